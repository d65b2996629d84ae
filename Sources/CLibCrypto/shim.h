#ifndef CLIBCRYPTO_SHIM_H
#define CLIBCRYPTO_SHIM_H
/* OpenSSL's libcrypto: the library libpq already links for TLS (libpq-dev depends on libssl-dev). */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#endif
