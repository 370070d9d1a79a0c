#ifndef PAYOUT_COPENSSL_SHIM_H
#define PAYOUT_COPENSSL_SHIM_H

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* OpenSSL 3 exposes these as macros, which Swift cannot see. */

static inline long copenssl_bio_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

static inline void copenssl_free(void *pointer) {
    OPENSSL_free(pointer);
}

static inline EVP_PKEY *copenssl_generate_ec_p256(void) {
    return EVP_EC_gen("P-256");
}

static inline void copenssl_x509v3_set_ctx_nodb(X509V3_CTX *context) {
    X509V3_set_ctx_nodb(context);
}

#endif
