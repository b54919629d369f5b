// SPDX-License-Identifier: MIT
/* Peer certificate verification (see tls_verify.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "common/log.h"
#include "http/tls_verify.h"

/* Intermediate CA certificates allowed between the peer's certificate and a trusted CA. */
#define VERIFY_DEPTH	4

/*
 * OpenSSL fails every resumption on a server that verifies clients
 * unless a session ID context is set (SSL_R_SESSION_ID_CONTEXT_UNINITIALIZED).
 * A resumed session keeps the client certificate of its full handshake.
 */
static const unsigned char session_id_context[] = "rackboot mutual TLS";

/* The reason of the oldest queued OpenSSL error; a failed system call gives its errno text. */
static const char *queued_reason(void)
{
	unsigned long err = ERR_peek_error();
	const char *reason = err ? ERR_reason_error_string(err) : NULL;

	if (err && ERR_SYSTEM_ERROR(err))
		return strerror(ERR_GET_REASON(err));
	return reason ? reason : "no OpenSSL reason";
}

int rb_tls_verify_setup(SSL_CTX *sc, const char *ca_file, int is_server)
{
	STACK_OF(X509_NAME) *names;

	if (!SSL_CTX_load_verify_locations(sc, ca_file, NULL)) {
		log_err("tls: loading the CA certificates %s failed: %s; give a PEM file with "
			"one or more CA certificates", ca_file, queued_reason());
		ERR_clear_error();
		return -1;
	}
	SSL_CTX_set_verify_depth(sc, VERIFY_DEPTH);
	if (!is_server) {
		SSL_CTX_set_verify(sc, SSL_VERIFY_PEER, NULL);
		return 0;
	}

	/* The CertificateRequest lists the accepted CAs, so that clients pick the right certificate. */
	names = SSL_load_client_CA_file(ca_file);
	if (names)
		SSL_CTX_set_client_CA_list(sc, names);
	ERR_clear_error();
	SSL_CTX_set_verify(sc, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	if (!SSL_CTX_set_session_id_context(sc, session_id_context,
					    sizeof(session_id_context) - 1)) {
		log_err("tls: setting the session ID context failed: %s", queued_reason());
		return -1;
	}
	return 0;
}

static int is_ip_address(const char *name)
{
	unsigned char addr[16];

	return inet_pton(AF_INET, name, addr) == 1 || inet_pton(AF_INET6, name, addr) == 1;
}

int rb_tls_verify_server_name(SSL *ssl, const char *name)
{
	X509_VERIFY_PARAM *param = SSL_get0_param(ssl);

	if (is_ip_address(name))
		return X509_VERIFY_PARAM_set1_ip_asc(param, name) == 1 ? 0 : -1;

	/* No wildcard may stand for part of a label ("f*.example.com"). */
	X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (SSL_set1_host(ssl, name) != 1 || SSL_set_tlsext_host_name(ssl, name) != 1)
		return -1;
	return 0;
}

void rb_tls_verify_reason(const SSL *ssl, char *out, size_t size)
{
	long result = SSL_get_verify_result(ssl);

	if (result == X509_V_OK) {
		out[0] = '\0';
		return;
	}
	snprintf(out, size, "certificate verify failed: %s",
		 X509_verify_cert_error_string(result));
}
