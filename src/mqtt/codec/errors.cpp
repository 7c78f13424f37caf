#include "mqtt/codec/errors.hpp"

#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

namespace mothership::mqtt {

void throw_exception_from_error(const decode_error& e, const boost::source_location& loc) {
  boost::throw_exception(boost::system::system_error(make_error_code(e.reason), e.detail), loc);
}

}  // namespace mothership::mqtt
