#include "mqtt/transport/tls_queue_bio.hpp"

#include <new>

namespace mothership::mqtt {

namespace {

int append_to_queue(BIO* bio, const char* data, std::size_t size, std::size_t* written) {
  try {
    static_cast<std::string*>(BIO_get_data(bio))->append(data, size);
  } catch (const std::bad_alloc&) {
    return 0;  // no exception may cross OpenSSL's C frames; it sees a failed write
  }
  *written = size;
  return 1;
}

long queue_control(BIO*, int command, long, void*) {
  // OpenSSL flushes after each handshake flight and takes 0 for "not yet": there is nothing
  // to flush here, the bytes are already queued. Other controls do not apply to a queue.
  return command == BIO_CTRL_FLUSH ? 1 : 0;
}

BIO_METHOD* queue_method() {
  // Made once and kept for the life of the process, like OpenSSL's own methods.
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "mothership send queue");
    if (m) {
      BIO_meth_set_write_ex(m, append_to_queue);
      BIO_meth_set_ctrl(m, queue_control);
    }
    return m;
  }();
  return method;
}

}  // namespace

BIO* make_queue_bio(std::string& queue) {
  BIO_METHOD* method = queue_method();
  if (!method) return nullptr;
  BIO* bio = BIO_new(method);
  if (!bio) return nullptr;
  BIO_set_data(bio, &queue);
  BIO_set_init(bio, 1);
  return bio;
}

}  // namespace mothership::mqtt
