// SPDX-License-Identifier: MIT
/*
 * The TLS layer of the HTTP server (userspace/http/tls.c) against a real
 * OpenSSL client in the same process, both over memory buffers.  The
 * tests cover the handshakes of TLS 1.2 and 1.3, data both ways from
 * 1 B to 1 MiB, close_notify, and session tickets across a certificate
 * reload.  Corrupted records, old versions and bytes that are not TLS
 * must be rejected.  A throwaway CA and server certificates (EC P-256) are made in a
 * temporary folder at start and removed at the end.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "common/log.h"
#include "http/tls.h"

#define HANDSHAKE_ROUNDS	20	/* a full handshake needs 3 */
#define CHUNK			4096	/* ciphertext moved per step */

/* Files of the throwaway PKI, made once for every test. */
static char dir[64];
static char ca_file[128], cert_file[128], key_file[128];
static char cert2_file[128], key2_file[128], open_key_file[128];

/* ---- throwaway certificates ---- */

static void add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;

	X509V3_set_ctx(&v3, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	assert_non_null(ext);
	assert_int_equal(X509_add_ext(cert, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

/* A certificate for key, signed by issuer_key (self-signed when issuer is NULL). */
static X509 *make_cert(EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key,
		       const char *cn, long serial)
{
	X509 *cert = X509_new();
	X509_NAME *name;

	assert_non_null(cert);
	X509_set_version(cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
	X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
	X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
	X509_set_pubkey(cert, key);
	name = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) : name);

	if (!issuer) {
		add_ext(cert, cert, NID_basic_constraints, "critical,CA:TRUE");
		add_ext(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign");
	} else {
		add_ext(cert, issuer, NID_basic_constraints, "CA:FALSE");
		add_ext(cert, issuer, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
		add_ext(cert, issuer, NID_ext_key_usage, "serverAuth");
	}
	assert_true(X509_sign(cert, issuer_key, EVP_sha256()) > 0);
	return cert;
}

static void write_cert(const char *path, X509 *cert)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(PEM_write_X509(f, cert), 1);
	assert_int_equal(fclose(f), 0);
}

static void write_key(const char *path, EVP_PKEY *key, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	FILE *f;

	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, mode), 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL), 1);
	assert_int_equal(fclose(f), 0);
}

static int make_pki(void **state)
{
	EVP_PKEY *ca_key = EVP_EC_gen("P-256");
	EVP_PKEY *key = EVP_EC_gen("P-256");
	EVP_PKEY *key2 = EVP_EC_gen("P-256");
	X509 *ca, *cert, *cert2;

	snprintf(dir, sizeof(dir), "/tmp/test_http_tls.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(ca_file, sizeof(ca_file), "%s/ca.pem", dir);
	snprintf(cert_file, sizeof(cert_file), "%s/server.pem", dir);
	snprintf(key_file, sizeof(key_file), "%s/server.key", dir);
	snprintf(cert2_file, sizeof(cert2_file), "%s/server2.pem", dir);
	snprintf(key2_file, sizeof(key2_file), "%s/server2.key", dir);
	snprintf(open_key_file, sizeof(open_key_file), "%s/open.key", dir);

	ca = make_cert(ca_key, NULL, ca_key, "rackboot test CA", 1);
	cert = make_cert(key, ca, ca_key, "localhost", 2);
	cert2 = make_cert(key2, ca, ca_key, "localhost", 3);
	write_cert(ca_file, ca);
	write_cert(cert_file, cert);
	write_cert(cert2_file, cert2);
	write_key(key_file, key, 0600);
	write_key(key2_file, key2, 0600);
	write_key(open_key_file, key, 0644);

	X509_free(ca);
	X509_free(cert);
	X509_free(cert2);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(key);
	EVP_PKEY_free(key2);
	rb_log_init("test_http_tls", RB_LOG_WARN);
	return 0;
}

static int remove_pki(void **state)
{
	const char *files[] = { ca_file, cert_file, key_file, cert2_file, key2_file, open_key_file };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(files[i]);
	rmdir(dir);
	return 0;
}

/* ---- a client and a server connection over memory ---- */

struct pair {
	SSL_CTX *client_ctx;
	SSL *client;
	BIO *client_in;		/* ciphertext for the client to read */
	BIO *client_out;	/* ciphertext the client wrote */
	struct rb_tls_ctx *server_ctx;	/* owned only when made by pair_open */
	struct rb_tls_conn *server;
	int client_result;	/* last SSL_do_handshake return of the client */
};

struct client_options {
	int min_version;
	int max_version;
	const char *ciphers;		/* TLS 1.2 and older; NULL for the default */
	SSL_SESSION *session;		/* to resume, or NULL */
};

static SSL_CTX *client_ctx_new(const struct client_options *o)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	assert_non_null(ctx);
	assert_int_equal(SSL_CTX_load_verify_locations(ctx, ca_file, NULL), 1);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
	if (o->min_version)
		assert_int_equal(SSL_CTX_set_min_proto_version(ctx, o->min_version), 1);
	if (o->max_version)
		assert_int_equal(SSL_CTX_set_max_proto_version(ctx, o->max_version), 1);
	if (o->ciphers)
		assert_int_equal(SSL_CTX_set_cipher_list(ctx, o->ciphers), 1);
	return ctx;
}

static void pair_attach(struct pair *p, struct rb_tls_ctx *server_ctx, const struct client_options *o)
{
	static const unsigned char alpn[] = "\x02h2\x08http/1.1";

	p->client_ctx = client_ctx_new(o);
	p->client = SSL_new(p->client_ctx);
	assert_non_null(p->client);
	p->client_in = BIO_new(BIO_s_mem());
	p->client_out = BIO_new(BIO_s_mem());
	SSL_set_bio(p->client, p->client_in, p->client_out);
	SSL_set_connect_state(p->client);
	assert_int_equal(SSL_set1_host(p->client, "localhost"), 1);
	assert_int_equal(SSL_set_tlsext_host_name(p->client, "localhost"), 1);
	assert_int_equal(SSL_set_alpn_protos(p->client, alpn, sizeof(alpn) - 1), 0);
	if (o->session)
		assert_int_equal(SSL_set_session(p->client, o->session), 1);

	p->server = rb_tls_conn_new(server_ctx);
	assert_non_null(p->server);
	rb_tls_conn_set_peer_name(p->server, "test client");
}

static void pair_open(struct pair *p, const struct rb_tls_options *server_options,
		      const struct client_options *o)
{
	memset(p, 0, sizeof(*p));
	p->server_ctx = rb_tls_ctx_new(cert_file, key_file, server_options);
	assert_non_null(p->server_ctx);
	pair_attach(p, p->server_ctx, o);
}

static void pair_close(struct pair *p)
{
	SSL_free(p->client);
	SSL_CTX_free(p->client_ctx);
	rb_tls_conn_free(p->server);
	rb_tls_ctx_free(p->server_ctx);
	ERR_clear_error();
}

/* Move the server's pending output to the client; returns the bytes moved. */
static size_t server_to_client(struct pair *p)
{
	const void *out;
	size_t len, moved = 0;

	while ((len = rb_tls_pending_out(p->server, &out)) > 0) {
		assert_int_equal(BIO_write(p->client_in, out, (int)len), (int)len);
		rb_tls_consume_out(p->server, len);
		moved += len;
	}
	return moved;
}

/* Feed all of data to the server; the input buffer is large enough here. */
static void feed_all(struct pair *p, const void *data, size_t len)
{
	ssize_t n = rb_tls_feed(p->server, data, len);

	assert_int_equal(n, (ssize_t)len);
}

/* Move the client's output to the server; returns the bytes moved. */
static size_t client_to_server(struct pair *p)
{
	char buf[CHUNK];
	size_t moved = 0;
	int n;

	while ((n = BIO_read(p->client_out, buf, sizeof(buf))) > 0) {
		feed_all(p, buf, (size_t)n);
		moved += (size_t)n;
	}
	return moved;
}

/* Run both handshakes to the end or the first failure; returns the server's result. */
static int pair_handshake(struct pair *p)
{
	int server_result = RB_TLS_WANT_INPUT;

	for (int round = 0; round < HANDSHAKE_ROUNDS; round++) {
		int client_error;

		/* SSL_get_error reads the BIO's retry flags, so before they change. */
		p->client_result = SSL_do_handshake(p->client);
		client_error = SSL_get_error(p->client, p->client_result);
		client_to_server(p);
		server_result = rb_tls_handshake(p->server);
		server_to_client(p);
		if (p->client_result == 1 && server_result == RB_TLS_OK)
			return RB_TLS_OK;
		if (server_result != RB_TLS_OK && server_result != RB_TLS_WANT_INPUT) {
			/* Let the client read the alert. */
			p->client_result = SSL_do_handshake(p->client);
			return server_result;
		}
		if (p->client_result <= 0 && client_error != SSL_ERROR_WANT_READ)
			return server_result;
	}
	return server_result;
}

/* Let the client read the server's post-handshake messages (TLS 1.3 tickets). */
static void client_read_pending(struct pair *p)
{
	char byte;
	int n = SSL_read(p->client, &byte, 1);

	assert_true(n <= 0);
	assert_int_equal(SSL_get_error(p->client, n), SSL_ERROR_WANT_READ);
	ERR_clear_error();
}

static uint8_t *random_bytes(size_t len, unsigned seed)
{
	uint8_t *data = malloc(len ? len : 1);

	assert_non_null(data);
	srand(seed);
	for (size_t i = 0; i < len; i++)
		data[i] = (uint8_t)rand();
	return data;
}

/* Client to server: SSL_write all, feed in chunks, read as the input fills. */
static void send_to_server(struct pair *p, const uint8_t *data, size_t len)
{
	uint8_t *got = malloc(len), chunk[CHUNK];
	size_t have = 0;
	int n;

	assert_non_null(got);
	for (size_t off = 0; off < len; off += (size_t)n) {
		n = SSL_write(p->client, data + off, (int)(len - off));
		assert_true(n > 0);
	}

	while ((n = BIO_read(p->client_out, chunk, sizeof(chunk))) > 0) {
		size_t fed = 0;

		while (fed < (size_t)n) {
			ssize_t r = rb_tls_feed(p->server, chunk + fed, (size_t)n - fed);

			assert_true(r >= 0);
			fed += (size_t)r;
			for (;;) {
				ssize_t m = rb_tls_read(p->server, got + have, len - have);

				if (m == RB_TLS_WANT_INPUT)
					break;
				assert_true(m > 0);
				have += (size_t)m;
				if (have == len)
					break;
			}
		}
	}
	assert_int_equal(have, len);
	assert_memory_equal(got, data, len);
	free(got);
}

/* Server to client: rb_tls_write in pieces, move the output, let the client read. */
static void send_to_client(struct pair *p, const uint8_t *data, size_t len)
{
	uint8_t *got = malloc(len);
	size_t sent = 0, have = 0;

	assert_non_null(got);
	while (sent < len || have < len) {
		if (sent < len) {
			ssize_t n = rb_tls_write(p->server, data + sent, len - sent);

			assert_true(n > 0 || n == RB_TLS_WANT_OUTPUT);
			if (n > 0)
				sent += (size_t)n;
		}
		server_to_client(p);
		for (;;) {
			int m = SSL_read(p->client, got + have, (int)(len - have));

			if (m <= 0) {
				assert_int_equal(SSL_get_error(p->client, m), SSL_ERROR_WANT_READ);
				break;
			}
			have += (size_t)m;
			if (have == len)
				break;
		}
	}
	assert_memory_equal(got, data, len);
	free(got);
}

/* ---- handshakes ---- */

static void test_handshake_tls13(void **state)
{
	struct client_options o = { 0 };
	const unsigned char *alpn;
	unsigned alpn_len;
	struct pair p;

	pair_open(&p, NULL, &o);
	assert_false(rb_tls_handshake_done(p.server));
	assert_int_equal(pair_handshake(&p), RB_TLS_OK);
	assert_true(rb_tls_handshake_done(p.server));
	assert_string_equal(rb_tls_conn_version(p.server), "TLSv1.3");
	/* The client lists TLS_AES_256_GCM_SHA384 first; the server's order wins. */
	assert_string_equal(rb_tls_conn_cipher(p.server), "TLS_AES_128_GCM_SHA256");
	assert_int_equal(SSL_get_verify_result(p.client), X509_V_OK);
	SSL_get0_alpn_selected(p.client, &alpn, &alpn_len);
	assert_int_equal(alpn_len, 8);
	assert_memory_equal(alpn, "http/1.1", 8);
	assert_false(rb_tls_conn_resumed(p.server));
	pair_close(&p);
}

static void test_handshake_tls12(void **state)
{
	struct client_options o = { .max_version = TLS1_2_VERSION };
	struct pair p;

	pair_open(&p, NULL, &o);
	assert_int_equal(pair_handshake(&p), RB_TLS_OK);
	assert_string_equal(rb_tls_conn_version(p.server), "TLSv1.2");
	/* OpenSSL's client default list puts AES-256 first. */
	assert_string_equal(rb_tls_conn_cipher(p.server), "ECDHE-ECDSA-AES128-GCM-SHA256");
	assert_int_equal(SSL_get_verify_result(p.client), X509_V_OK);
	pair_close(&p);
}

static void test_handshake_in_small_pieces(void **state)
{
	struct client_options o = { 0 };
	unsigned char byte;
	struct pair p;
	int result = RB_TLS_WANT_INPUT;

	/* The ClientHello arrives one byte at a time. */
	pair_open(&p, NULL, &o);
	assert_true(SSL_do_handshake(p.client) <= 0);
	while (BIO_read(p.client_out, &byte, 1) == 1) {
		assert_int_equal(result, RB_TLS_WANT_INPUT);
		feed_all(&p, &byte, 1);
		result = rb_tls_handshake(p.server);
	}
	assert_int_equal(result, RB_TLS_WANT_INPUT);	/* waits for the client's Finished */
	server_to_client(&p);
	assert_int_equal(pair_handshake(&p), RB_TLS_OK);
	pair_close(&p);
}

/* ---- data ---- */

static const size_t sizes[] = {
	1, 2, 255, 16383, 16384, 16385, 65535, 65536, 65537, 100000, 1024 * 1024,
};

static void data_both_ways(int max_version, const struct rb_tls_options *server_options)
{
	struct client_options o = { .max_version = max_version };
	struct pair p;

	pair_open(&p, server_options, &o);
	assert_int_equal(pair_handshake(&p), RB_TLS_OK);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *data = random_bytes(sizes[i], (unsigned)i + 1);

		send_to_client(&p, data, sizes[i]);
		send_to_server(&p, data, sizes[i]);
		free(data);
	}
	pair_close(&p);
}

static void test_data_tls13(void **state)
{
	data_both_ways(0, NULL);
}

static void test_data_tls12(void **state)
{
	data_both_ways(TLS1_2_VERSION, NULL);
}

static void test_data_release_buffers(void **state)
{
	struct rb_tls_options options = { .release_buffers = true };

	data_both_ways(0, &options);
}

static void test_write_limit(void **state)
{
	struct client_options o = { 0 };
	uint8_t *data = random_bytes(4 * RB_TLS_WRITE_MAX, 7);
	const void *out;
	struct pair p;

	pair_open(&p, NULL, &o);
	assert_int_equal(pair_handshake(&p), RB_TLS_OK);
	assert_int_equal(rb_tls_write(p.server, data, 4 * RB_TLS_WRITE_MAX), RB_TLS_WRITE_MAX);
	/* 64 KiB of records now wait to be sent. */
	assert_true(rb_tls_pending_out(p.server, &out) >= RB_TLS_OUT_HIGH);
	assert_int_equal(rb_tls_write(p.server, data, 1), RB_TLS_WANT_OUTPUT);
	server_to_client(&p);
	assert_int_equal(rb_tls_pending_out(p.server, &out), 0);
	assert_int_equal(rb_tls_write(p.server, data, 1), 1);
	free(data);
	pair_close(&p);
}

static void test_feed_bounded(void **state)
{
	struct client_options o = { 0 };
	uint8_t *junk = calloc(1, 100000);
	struct pair p;

	pair_open(&p, NULL, &o);
	assert_int_equal(rb_tls_feed(p.server, junk, 100000), 64 * 1024);
	assert_int_equal(rb_tls_feed(p.server, junk, 100), 0);
	free(junk);
	pair_close(&p);
}

/* ---- endings ---- */

static void test_close_notify_from_server(void **state)
{
	struct client_options o = { 0 };
	struct pair p;
	char byte;
	int n;

	pair_open(&p, NULL, &o);
	assert_int_equal(pair_handshake(&p), RB_TLS_OK);
	assert_int_equal(rb_tls_close_notify(p.server), RB_TLS_OK);
	assert_true(server_to_client(&p) > 0);
	n = SSL_read(p.client, &byte, 1);
	assert_int_equal(n, 0);
	assert_int_equal(SSL_get_error(p.client, n), SSL_ERROR_ZERO_RETURN);
	/* A second call queues nothing more. */
	assert_int_equal(rb_tls_close_notify(p.server), RB_TLS_OK);
	assert_int_equal(server_to_client(&p), 0);
	pair_close(&p);
}

static void test_close_notify_from_client(void **state)
{
	struct client_options o = { .max_version = TLS1_2_VERSION };
	struct pair p;
	char buf[16];

	pair_open(&p, NULL, &o);
	assert_int_equal(pair_handshake(&p), RB_TLS_OK);
	assert_int_equal(SSL_shutdown(p.client), 0);
	client_to_server(&p);
	assert_int_equal(rb_tls_read(p.server, buf, sizeof(buf)), RB_TLS_CLOSED);
	assert_string_equal(rb_tls_conn_error(p.server), "");
	pair_close(&p);
}

static void test_close_notify_before_handshake(void **state)
{
	struct client_options o = { 0 };
	const void *out;
	struct pair p;

	pair_open(&p, NULL, &o);
	assert_int_equal(rb_tls_close_notify(p.server), RB_TLS_OK);
	assert_int_equal(rb_tls_pending_out(p.server, &out), 0);
	pair_close(&p);
}

static void test_eof_without_close_notify(void **state)
{
	struct client_options o = { 0 };
	struct pair p;
	char buf[16];

	pair_open(&p, NULL, &o);
	assert_int_equal(pair_handshake(&p), RB_TLS_OK);
	assert_int_equal(rb_tls_feed(p.server, NULL, 0), 0);
	assert_int_equal(rb_tls_read(p.server, buf, sizeof(buf)), RB_TLS_ERR_TRUNCATED);
	assert_non_null(strstr(rb_tls_conn_error(p.server), "truncated stream"));
	pair_close(&p);
}

/* ---- rejections ---- */

static void corrupted_record(int max_version)
{
	struct client_options o = { .max_version = max_version };
	unsigned char record[256];
	const void *out;
	struct pair p;
	char buf[64];
	int n;

	pair_open(&p, NULL, &o);
	assert_int_equal(pair_handshake(&p), RB_TLS_OK);
	client_read_pending(&p);

	assert_int_equal(SSL_write(p.client, "hello", 5), 5);
	n = BIO_read(p.client_out, record, sizeof(record));
	assert_true(n > 5);
	record[n - 1] ^= 0x01;	/* inside the AEAD tag */
	feed_all(&p, record, (size_t)n);

	assert_int_equal(rb_tls_read(p.server, buf, sizeof(buf)), RB_TLS_ERR_BAD_RECORD);
	assert_non_null(strstr(rb_tls_conn_error(p.server), "bad record: sent alert bad record mac"));
	/* The error is sticky, and the alert waits to be sent. */
	assert_int_equal(rb_tls_write(p.server, "x", 1), RB_TLS_ERR_BAD_RECORD);
	assert_int_equal(rb_tls_feed(p.server, "x", 1), RB_TLS_ERR_BAD_RECORD);
	assert_true(rb_tls_pending_out(p.server, &out) > 0);

	server_to_client(&p);
	assert_true(SSL_read(p.client, buf, sizeof(buf)) <= 0);
	assert_int_equal(ERR_GET_REASON(ERR_peek_error()), SSL_R_SSLV3_ALERT_BAD_RECORD_MAC);
	pair_close(&p);
}

static void test_corrupted_record_tls13(void **state)
{
	corrupted_record(0);
}

static void test_corrupted_record_tls12(void **state)
{
	corrupted_record(TLS1_2_VERSION);
}

/* An old client must get the alert protocol_version, not some other failure. */
static void old_version_rejected(int version, const struct rb_tls_options *server_options,
				 int client_alert_reason)
{
	struct client_options o = {
		.min_version = version, .max_version = version,
		/* OpenSSL 3 offers TLS 1.0 and 1.1 only at security level 0. */
		.ciphers = "DEFAULT@SECLEVEL=0",
	};
	struct pair p;

	pair_open(&p, server_options, &o);
	assert_int_equal(pair_handshake(&p), RB_TLS_ERR_PROTOCOL_VERSION);
	assert_non_null(strstr(rb_tls_conn_error(p.server),
			       "protocol version: sent alert protocol version"));
	assert_false(rb_tls_handshake_done(p.server));
	assert_true(p.client_result <= 0);
	assert_int_equal(ERR_GET_REASON(ERR_peek_error()), client_alert_reason);
	pair_close(&p);
}

static void test_tls10_rejected(void **state)
{
	old_version_rejected(TLS1_VERSION, NULL, SSL_R_TLSV1_ALERT_PROTOCOL_VERSION);
}

static void test_tls11_rejected(void **state)
{
	old_version_rejected(TLS1_1_VERSION, NULL, SSL_R_TLSV1_ALERT_PROTOCOL_VERSION);
}

static void test_tls12_rejected_when_tls13_only(void **state)
{
	struct rb_tls_options options = { .tls13_only = true };

	old_version_rejected(TLS1_2_VERSION, &options, SSL_R_TLSV1_ALERT_PROTOCOL_VERSION);
}

struct garbage_case {
	const char *name;
	const char *bytes;
	size_t len;
	int result;
};

#define BYTES(s) (s), sizeof(s) - 1

static const struct garbage_case garbage_cases[] = {
	{ "plain HTTP request", BYTES("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"), RB_TLS_ERR_BAD_RECORD },
	{ "text", BYTES("hello, this is not TLS at all\n"), RB_TLS_ERR_BAD_RECORD },
	{ "record longer than the maximum", BYTES("\x16\x03\x01\xff\xff"), RB_TLS_ERR_BAD_RECORD },
	{ "ClientHello with a garbage body", BYTES("\x16\x03\x01\x00\x08\x01\x00\x00\x04" "abcd"),
	  RB_TLS_ERR_HANDSHAKE },
	{ "application data before the handshake", BYTES("\x17\x03\x03\x00\x04" "abcd"),
	  RB_TLS_ERR_HANDSHAKE },
	{ "zero bytes", BYTES("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"), RB_TLS_ERR_BAD_RECORD },
};

static void test_garbage_rejected(void **state)
{
	struct client_options o = { 0 };

	for (size_t i = 0; i < sizeof(garbage_cases) / sizeof(garbage_cases[0]); i++) {
		const struct garbage_case *g = &garbage_cases[i];
		struct pair p;
		int result;

		pair_open(&p, NULL, &o);
		feed_all(&p, g->bytes, g->len);
		result = rb_tls_handshake(p.server);
		if (result != g->result)
			fail_msg("%s: got %s (%s), expected %s", g->name, rb_tls_result_name(result),
				 rb_tls_conn_error(p.server), rb_tls_result_name(g->result));
		assert_string_not_equal(rb_tls_conn_error(p.server), "");
		pair_close(&p);
	}
}

static void test_random_bytes_rejected(void **state)
{
	struct client_options o = { 0 };

	for (unsigned seed = 1; seed <= 200; seed++) {
		uint8_t *junk = random_bytes(512, seed);
		struct pair p;
		int result;

		pair_open(&p, NULL, &o);
		feed_all(&p, junk, 512);
		result = rb_tls_handshake(p.server);
		if (result > RB_TLS_ERR_HANDSHAKE && result != RB_TLS_WANT_INPUT)
			fail_msg("seed %u: got %s", seed, rb_tls_result_name(result));
		free(junk);
		pair_close(&p);
	}
}

/* ---- contexts ---- */

static void test_ctx_rejects_bad_files(void **state)
{
	char missing[160];

	snprintf(missing, sizeof(missing), "%s/missing.pem", dir);
	assert_null(rb_tls_ctx_new(missing, key_file, NULL));
	assert_null(rb_tls_ctx_new(cert_file, missing, NULL));
	/* Key readable by others. */
	assert_null(rb_tls_ctx_new(cert_file, open_key_file, NULL));
	/* Key of another certificate. */
	assert_null(rb_tls_ctx_new(cert_file, key2_file, NULL));
	/* A key where the certificate should be. */
	assert_null(rb_tls_ctx_new(key_file, key_file, NULL));
}

static long peer_serial(SSL *client)
{
	X509 *cert = SSL_get1_peer_certificate(client);
	long serial;

	assert_non_null(cert);
	serial = ASN1_INTEGER_get(X509_get0_serialNumber(cert));
	X509_free(cert);
	return serial;
}

/* The session of a finished handshake, for resumption. */
static SSL_SESSION *take_session(struct pair *p)
{
	SSL_SESSION *session;

	client_read_pending(p);
	session = SSL_get1_session(p->client);
	assert_non_null(session);
	return session;
}

static void resumption(int max_version)
{
	struct client_options o = { .max_version = max_version };
	struct rb_tls_ctx *ctx = rb_tls_ctx_new(cert_file, key_file, NULL);
	struct pair first = { 0 }, second = { 0 };
	SSL_SESSION *session;

	assert_non_null(ctx);
	pair_attach(&first, ctx, &o);
	assert_int_equal(pair_handshake(&first), RB_TLS_OK);
	session = take_session(&first);
	assert_int_equal(SSL_SESSION_is_resumable(session), 1);

	o.session = session;
	pair_attach(&second, ctx, &o);
	assert_int_equal(pair_handshake(&second), RB_TLS_OK);
	assert_true(rb_tls_conn_resumed(second.server));

	SSL_SESSION_free(session);
	pair_close(&first);
	pair_close(&second);
	rb_tls_ctx_free(ctx);
}

static void test_resumption_tls13(void **state)
{
	resumption(0);
}

static void test_resumption_tls12(void **state)
{
	resumption(TLS1_2_VERSION);
}

static void test_no_tickets_option(void **state)
{
	struct rb_tls_options options = { .no_session_tickets = true };
	struct rb_tls_ctx *ctx = rb_tls_ctx_new(cert_file, key_file, &options);
	struct client_options o = { 0 };
	struct pair first = { 0 }, second = { 0 };
	SSL_SESSION *session;

	assert_non_null(ctx);
	pair_attach(&first, ctx, &o);
	assert_int_equal(pair_handshake(&first), RB_TLS_OK);
	session = take_session(&first);
	assert_int_equal(SSL_SESSION_is_resumable(session), 0);

	o.session = session;
	pair_attach(&second, ctx, &o);
	assert_int_equal(pair_handshake(&second), RB_TLS_OK);
	assert_false(rb_tls_conn_resumed(second.server));

	SSL_SESSION_free(session);
	pair_close(&first);
	pair_close(&second);
	rb_tls_ctx_free(ctx);
}

static void test_reload(void **state)
{
	struct rb_tls_ctx *ctx = rb_tls_ctx_new(cert_file, key_file, NULL);
	struct client_options o = { 0 };
	struct pair before = { 0 }, after = { 0 }, resumed = { 0 };
	SSL_SESSION *session;
	uint8_t *data = random_bytes(100000, 9);

	assert_non_null(ctx);
	pair_attach(&before, ctx, &o);
	assert_int_equal(pair_handshake(&before), RB_TLS_OK);
	assert_int_equal(peer_serial(before.client), 2);
	session = take_session(&before);

	/* A failed reload keeps the old certificate. */
	assert_int_equal(rb_tls_ctx_reload(ctx, cert2_file, open_key_file), -1);
	assert_int_equal(rb_tls_ctx_reload(ctx, cert2_file, key2_file), 0);

	/* The open connection keeps working on the old context. */
	send_to_client(&before, data, 100000);
	send_to_server(&before, data, 100000);

	pair_attach(&after, ctx, &o);
	assert_int_equal(pair_handshake(&after), RB_TLS_OK);
	assert_int_equal(peer_serial(after.client), 3);

	/* A ticket from before the reload still resumes. */
	o.session = session;
	pair_attach(&resumed, ctx, &o);
	assert_int_equal(pair_handshake(&resumed), RB_TLS_OK);
	assert_true(rb_tls_conn_resumed(resumed.server));

	free(data);
	SSL_SESSION_free(session);
	pair_close(&before);
	pair_close(&after);
	pair_close(&resumed);
	rb_tls_ctx_free(ctx);
}

static void test_result_names(void **state)
{
	assert_string_equal(rb_tls_result_name(RB_TLS_ERR_PROTOCOL_VERSION), "protocol version");
	assert_string_equal(rb_tls_result_name(RB_TLS_ERR_BAD_RECORD), "bad record");
	assert_string_equal(rb_tls_result_name(RB_TLS_ERR_HANDSHAKE), "handshake failure");
	assert_string_equal(rb_tls_result_name(-100), "unknown result");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake_tls13),
		cmocka_unit_test(test_handshake_tls12),
		cmocka_unit_test(test_handshake_in_small_pieces),
		cmocka_unit_test(test_data_tls13),
		cmocka_unit_test(test_data_tls12),
		cmocka_unit_test(test_data_release_buffers),
		cmocka_unit_test(test_write_limit),
		cmocka_unit_test(test_feed_bounded),
		cmocka_unit_test(test_close_notify_from_server),
		cmocka_unit_test(test_close_notify_from_client),
		cmocka_unit_test(test_close_notify_before_handshake),
		cmocka_unit_test(test_eof_without_close_notify),
		cmocka_unit_test(test_corrupted_record_tls13),
		cmocka_unit_test(test_corrupted_record_tls12),
		cmocka_unit_test(test_tls10_rejected),
		cmocka_unit_test(test_tls11_rejected),
		cmocka_unit_test(test_tls12_rejected_when_tls13_only),
		cmocka_unit_test(test_garbage_rejected),
		cmocka_unit_test(test_random_bytes_rejected),
		cmocka_unit_test(test_ctx_rejects_bad_files),
		cmocka_unit_test(test_resumption_tls13),
		cmocka_unit_test(test_resumption_tls12),
		cmocka_unit_test(test_no_tickets_option),
		cmocka_unit_test(test_reload),
		cmocka_unit_test(test_result_names),
	};

	return cmocka_run_group_tests_name("http_tls", tests, make_pki, remove_pki);
}
