#pragma once
// Expected failures of the blob store and its download links (one enum, one category).
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace mothership::blob {

enum class errc {
  not_found = 1,
  too_large,      // the source passed the put's size limit: nothing was kept
  source_failed,  // the source broke off (client gone, bad chunk): nothing was kept
  range_not_satisfiable,
  link_malformed,  // not a token we could have made, or altered
  link_expired,
  link_wrong_audience,  // made for another device or user
};

const boost::system::error_category& blob_category();
inline boost::system::error_code make_error_code(errc e) {
  return {static_cast<int>(e), blob_category()};
}

template <class T>
using result = boost::system::result<T>;

}  // namespace mothership::blob

template <>
struct boost::system::is_error_code_enum<mothership::blob::errc> : std::true_type {};
