/* SPDX-License-Identifier: MIT */
/*
 * Peer certificate verification for the TLS layer of tls.c: a server
 * that requires client certificates (mutual TLS) and a client that
 * checks the server's chain and name.  The functions take the OpenSSL
 * objects of tls.c and log what failed on which file.
 */
#ifndef RB_HTTP_TLS_VERIFY_H
#define RB_HTTP_TLS_VERIFY_H

#include <stddef.h>

#include <openssl/ssl.h>

/*
 * Trust the PEM CA certificates in ca_file and verify the peer against
 * them: a server requires a client certificate and rejects a client
 * without one, and a client rejects a server whose chain fails.
 * Returns -1 (logged) when the file cannot be loaded.
 */
int rb_tls_verify_setup(SSL_CTX *sc, const char *ca_file, int is_server);

/*
 * Set the name that the server's certificate must carry: an IP address
 * is matched against the iPAddress entries, a DNS name against the
 * dNSName entries and is also sent as SNI.  Returns -1 when OpenSSL
 * rejects the name.
 */
int rb_tls_verify_server_name(SSL *ssl, const char *name);

/*
 * Write the reason of a failed peer verification ("certificate verify
 * failed: hostname mismatch") to out, or "" when the verification did
 * not fail.
 */
void rb_tls_verify_reason(const SSL *ssl, char *out, size_t size);

#endif
