// SPDX-License-Identifier: MIT
/*
 * TLS server connections over memory buffers (see tls.h): the OpenSSL
 * context, a BIO that reads from and writes to per-connection buffers,
 * and the mapping of OpenSSL failures to results and log lines.
 */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "common/log.h"
#include "http/tls.h"
#include "http/tls_verify.h"

#ifndef TCP_ULP
#define TCP_ULP 31	/* linux/tcp.h; older libc headers lack it */
#endif

/*
 * TLS 1.2 suites need ECDHE (forward secrecy) and an AEAD.  AES-GCM comes
 * first in both lists because x86-64 servers have AES-NI.
 */
#define TLS12_CIPHERS	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" \
			"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" \
			"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
#define TLS13_CIPHERS	"TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:" \
			"TLS_CHACHA20_POLY1305_SHA256"
#define TLS_GROUPS	"X25519:P-256:P-384"

/*
 * Ciphertext buffered per connection.  The input holds three records
 * of the largest size (16 KiB of data plus up to 2 KiB of expansion in
 * TLS 1.2).  The output limit is far above what one
 * rb_tls_write can add (RB_TLS_OUT_HIGH + RB_TLS_WRITE_MAX + record
 * overhead) and bounds a handshake flight with a long certificate chain.
 */
#define IN_MAX		(64 * 1024)
#define OUT_MAX		(1024 * 1024)
#define BUF_INITIAL	(16 * 1024)

/* Size of the ticket key block that SSL_CTX_get_tlsext_ticket_keys copies. */
#define TICKET_KEYS_SIZE 80

#define ALERT_NONE	(-1)

struct rb_tls_ctx {
	pthread_mutex_t lock;		/* guards ssl_ctx against a concurrent reload */
	SSL_CTX *ssl_ctx;
	struct rb_tls_options options;	/* verify_ca_file points at verify_ca_copy */
	char *verify_ca_copy;
};

/* Bytes [start, end) of data are stored and not yet consumed. */
struct tls_buf {
	uint8_t *data;
	size_t start;
	size_t end;
	size_t cap;
};

struct rb_tls_conn {
	SSL *ssl;
	struct tls_buf in;		/* ciphertext from the peer */
	struct tls_buf out;		/* ciphertext for the peer */
	bool eof;			/* the peer's stream ended */
	bool handshake_done;
	bool close_sent;
	bool release_buffers;
	bool log_failures;
	bool client;
	int error;			/* sticky RB_TLS_ERR_*, 0 while none */
	int alert_sent;			/* fatal alert sent (level << 8 | description), or ALERT_NONE */
	int alert_received;		/* alert from the peer other than close_notify, or ALERT_NONE */
	char peer[64];
	char message[192];
};

static struct rb_log_repeat log_handshake =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "tls: failed handshakes");
static struct rb_log_repeat log_version =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "tls: clients rejected for their protocol version");
static struct rb_log_repeat log_bad_record =
	RB_LOG_REPEAT_INIT(RB_LOG_WARN, "tls: connections closed on a bad record");
static struct rb_log_repeat log_truncated =
	RB_LOG_REPEAT_INIT(RB_LOG_DEBUG, "tls: streams ended without close_notify");
static struct rb_log_repeat log_internal =
	RB_LOG_REPEAT_INIT(RB_LOG_ERR, "tls: internal errors");

/* Format the reason of the oldest queued OpenSSL error for a log line, and clear the queue. */
static const char *openssl_reason(void)
{
	static __thread char text[160];
	unsigned long err = ERR_peek_error();
	const char *reason = err ? ERR_reason_error_string(err) : NULL;

	if (err && ERR_SYSTEM_ERROR(err))
		snprintf(text, sizeof(text), "%s", strerror(ERR_GET_REASON(err)));
	else if (reason)
		snprintf(text, sizeof(text), "%s", reason);
	else if (err)
		ERR_error_string_n(err, text, sizeof(text));
	else
		snprintf(text, sizeof(text), "no OpenSSL error queued");
	ERR_clear_error();
	return text;
}

/* ---- buffers ---- */

static size_t buf_len(const struct tls_buf *b)
{
	return b->end - b->start;
}

/* Make room for n more bytes after end by compacting, then by growing up to max. */
static int buf_reserve(struct tls_buf *b, size_t n, size_t max)
{
	size_t need, cap;
	uint8_t *data;

	if (b->cap - b->end >= n)
		return 0;

	if (b->start > 0) {
		memmove(b->data, b->data + b->start, buf_len(b));
		b->end -= b->start;
		b->start = 0;
		if (b->cap - b->end >= n)
			return 0;
	}

	need = b->end + n;
	if (need > max)
		return -1;
	cap = b->cap ? b->cap : BUF_INITIAL;
	while (cap < need)
		cap *= 2;
	if (cap > max)
		cap = max;

	data = realloc(b->data, cap);
	if (!data)
		return -1;
	b->data = data;
	b->cap = cap;
	return 0;
}

static void buf_free(struct tls_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/* ---- the BIO between OpenSSL and the buffers ---- */

static BIO_METHOD *bio_method;
static pthread_once_t bio_method_once = PTHREAD_ONCE_INIT;

static int bio_read(BIO *bio, char *dst, int size)
{
	struct rb_tls_conn *c = BIO_get_data(bio);
	size_t n = buf_len(&c->in);

	BIO_clear_retry_flags(bio);
	if (n == 0) {
		if (c->eof)
			return 0;
		BIO_set_retry_read(bio);
		return -1;
	}

	if (n > (size_t)size)
		n = (size_t)size;
	memcpy(dst, c->in.data + c->in.start, n);
	c->in.start += n;
	if (c->in.start < c->in.end)
		return (int)n;

	c->in.start = c->in.end = 0;
	if (c->release_buffers)
		buf_free(&c->in);
	return (int)n;
}

/* Appends succeed up to OUT_MAX, so OpenSSL gets no retry from a write. */
static int bio_write(BIO *bio, const char *src, int size)
{
	struct rb_tls_conn *c = BIO_get_data(bio);

	BIO_clear_retry_flags(bio);
	if (size <= 0)
		return 0;
	if (buf_reserve(&c->out, (size_t)size, OUT_MAX) < 0)
		return -1;
	memcpy(c->out.data + c->out.end, src, (size_t)size);
	c->out.end += (size_t)size;
	return size;
}

static long bio_ctrl(BIO *bio, int cmd, long num, void *ptr)
{
	struct rb_tls_conn *c = BIO_get_data(bio);

	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1;
	case BIO_CTRL_PENDING:
		return (long)buf_len(&c->in);
	case BIO_CTRL_WPENDING:
		return (long)buf_len(&c->out);
	case BIO_CTRL_EOF:
		return c->eof && buf_len(&c->in) == 0;
	default:
		return 0;
	}
}

static void bio_method_create(void)
{
	BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
				     "rackboot TLS buffers");

	if (!m)
		return;
	if (!BIO_meth_set_read(m, bio_read) || !BIO_meth_set_write(m, bio_write) ||
	    !BIO_meth_set_ctrl(m, bio_ctrl)) {
		BIO_meth_free(m);
		return;
	}
	bio_method = m;
}

/* ---- kernel TLS probe ---- */

static pthread_once_t ktls_once = PTHREAD_ONCE_INIT;
static bool ktls_available;

/*
 * setsockopt TCP_ULP "tls" on an unconnected socket fails with ENOTCONN
 * when the kernel has the tls module, and with ENOENT when it has not.
 *
 * NOTE: Even when the probe succeeds, bulk data stays in userspace.
 * Moving it to the kernel needs the traffic keys and the record
 * sequence numbers at the end of the handshake.  OpenSSL 3.0 hands
 * them to the kernel itself only through a socket BIO, and does not
 * expose the sequence numbers to callers that use memory BIOs.
 */
static void ktls_probe(void)
{
	int fd, ret, err;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_info("tls: kernel TLS probe failed (socket: %s); bulk data is encrypted in userspace",
			 strerror(errno));
		return;
	}
	ret = setsockopt(fd, IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls"));
	err = errno;
	close(fd);

	ktls_available = ret == 0 || err == ENOTCONN;
	if (ktls_available)
		log_info("tls: the kernel offers kernel TLS, which rackboot does not use yet; "
			 "bulk data is encrypted in userspace");
	else
		log_info("tls: no kernel TLS (setsockopt TCP_ULP \"tls\": %s); "
			 "bulk data is encrypted in userspace", strerror(err));
}

bool rb_tls_kernel_tls_available(void)
{
	pthread_once(&ktls_once, ktls_probe);
	return ktls_available;
}

/* ---- context ---- */

/* Records the alerts of a connection, so that failures name them. */
static void tls_info_callback(const SSL *ssl, int where, int value)
{
	struct rb_tls_conn *c;

	if (!(where & SSL_CB_ALERT))
		return;
	c = SSL_get_app_data(ssl);
	if (!c)
		return;

	if (where & SSL_CB_WRITE) {
		if ((value >> 8) == SSL3_AL_FATAL)
			c->alert_sent = value;
	} else if ((value & 0xff) != SSL_AD_CLOSE_NOTIFY) {
		c->alert_received = value;
	}
}

/* Accepts ALPN "http/1.1" when the client offers it; other lists get no ALPN. */
static int tls_alpn_select(SSL *ssl, const unsigned char **out, unsigned char *out_len,
			   const unsigned char *in, unsigned int in_len, void *arg)
{
	static const unsigned char http11[] = "\x08http/1.1";
	unsigned char *selected = NULL;

	if (SSL_select_next_proto(&selected, out_len, http11, sizeof(http11) - 1,
				  in, in_len) != OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_NOACK;
	*out = selected;
	return SSL_TLSEXT_ERR_OK;
}

/* No passphrase prompt: an encrypted key fails to load with a clear error. */
static int no_passphrase(char *buf, int size, int rwflag, void *arg)
{
	return 0;
}

static int load_key(SSL_CTX *sc, const char *cert_file, const char *key_file)
{
	EVP_PKEY *pkey;
	struct stat st;
	FILE *f;
	int ok;

	f = fopen(key_file, "re");
	if (!f) {
		log_err("tls: opening the private key %s failed: %s", key_file, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & S_IRWXO)) {
		log_err("tls: private key %s is accessible to others (mode %04o); "
			"run chmod o-rwx on it", key_file, (unsigned)(st.st_mode & 07777));
		fclose(f);
		return -1;
	}
	pkey = PEM_read_PrivateKey(f, NULL, no_passphrase, NULL);
	fclose(f);
	if (!pkey) {
		log_err("tls: reading the private key %s failed: %s; give an unencrypted PEM key",
			key_file, openssl_reason());
		return -1;
	}

	ok = SSL_CTX_use_PrivateKey(sc, pkey);
	EVP_PKEY_free(pkey);
	if (!ok || !SSL_CTX_check_private_key(sc)) {
		log_err("tls: private key %s does not match the certificate in %s: %s",
			key_file, cert_file, openssl_reason());
		return -1;
	}
	return 0;
}

static int configure(SSL_CTX *sc, const struct rb_tls_options *o)
{
	uint64_t ssl_options = SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION |
			       SSL_OP_NO_COMPRESSION;
	/*
	 * No SSL_MODE_ENABLE_PARTIAL_WRITE: it makes SSL_write return after
	 * each record, and the buffer BIO never refuses a write anyway.
	 */
	long mode = SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER;

	if (o->no_session_tickets)
		ssl_options |= SSL_OP_NO_TICKET;
	if (o->release_buffers)
		mode |= SSL_MODE_RELEASE_BUFFERS;

	if (!SSL_CTX_set_min_proto_version(sc, o->tls13_only ? TLS1_3_VERSION : TLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(sc, TLS1_3_VERSION) ||
	    !SSL_CTX_set_cipher_list(sc, TLS12_CIPHERS) ||
	    !SSL_CTX_set_ciphersuites(sc, TLS13_CIPHERS) ||
	    !SSL_CTX_set1_groups_list(sc, TLS_GROUPS))
		return -1;

	SSL_CTX_set_options(sc, ssl_options);
	SSL_CTX_set_mode(sc, mode);
	SSL_CTX_set_read_ahead(sc, 1);

	/* Stateless tickets carry the session, so no server-side cache is kept. */
	SSL_CTX_set_session_cache_mode(sc, SSL_SESS_CACHE_OFF);
	if (!SSL_CTX_set_num_tickets(sc, o->no_session_tickets ? 0 : 1))
		return -1;

	SSL_CTX_set_info_callback(sc, tls_info_callback);
	SSL_CTX_set_alpn_select_cb(sc, tls_alpn_select, NULL);
	return 0;
}

static SSL_CTX *ssl_ctx_build(const char *cert_file, const char *key_file,
			      const struct rb_tls_options *o)
{
	SSL_CTX *sc = SSL_CTX_new(o->client ? TLS_client_method() : TLS_server_method());

	if (!sc) {
		log_err("tls: creating the OpenSSL context failed: %s", openssl_reason());
		return NULL;
	}
	if (configure(sc, o) < 0) {
		log_err("tls: setting versions, ciphers and groups failed: %s", openssl_reason());
		goto fail;
	}
	if (o->verify_ca_file && rb_tls_verify_setup(sc, o->verify_ca_file, !o->client) < 0)
		goto fail;
	if (o->client && !cert_file)
		return sc;
	if (!SSL_CTX_use_certificate_chain_file(sc, cert_file)) {
		log_err("tls: loading the certificate chain %s failed: %s; "
			"give a PEM file with the server certificate first", cert_file,
			openssl_reason());
		goto fail;
	}
	if (load_key(sc, cert_file, key_file) < 0)
		goto fail;
	return sc;

fail:
	SSL_CTX_free(sc);
	return NULL;
}

struct rb_tls_ctx *rb_tls_ctx_new(const char *cert_file, const char *key_file,
				  const struct rb_tls_options *options)
{
	struct rb_tls_ctx *ctx;

	rb_tls_kernel_tls_available();
	pthread_once(&bio_method_once, bio_method_create);
	if (!bio_method) {
		log_err("tls: creating the buffer BIO method failed: %s", openssl_reason());
		return NULL;
	}

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		log_err("tls: out of memory for the TLS context");
		return NULL;
	}
	if (options)
		ctx->options = *options;
	if (ctx->options.verify_ca_file) {
		ctx->verify_ca_copy = strdup(ctx->options.verify_ca_file);
		if (!ctx->verify_ca_copy) {
			log_err("tls: out of memory for the TLS context");
			free(ctx);
			return NULL;
		}
		ctx->options.verify_ca_file = ctx->verify_ca_copy;
	}

	ctx->ssl_ctx = ssl_ctx_build(cert_file, key_file, &ctx->options);
	if (!ctx->ssl_ctx) {
		free(ctx->verify_ca_copy);
		free(ctx);
		return NULL;
	}
	pthread_mutex_init(&ctx->lock, NULL);
	log_info("tls: %s %s, %s%s%s",
		 ctx->options.client ? "client context, certificate" : "serving certificate",
		 cert_file ? cert_file : "none",
		 ctx->options.tls13_only ? "TLS 1.3 only" : "TLS 1.2 and 1.3",
		 ctx->options.verify_ca_file ? ", peers verified against " : "",
		 ctx->options.verify_ca_file ? ctx->options.verify_ca_file : "");
	return ctx;
}

/* Tickets issued before a reload keep resuming after it. */
static void copy_ticket_keys(SSL_CTX *from, SSL_CTX *to)
{
	unsigned char keys[TICKET_KEYS_SIZE];

	if (SSL_CTX_get_tlsext_ticket_keys(from, keys, sizeof(keys)) == 1 &&
	    SSL_CTX_set_tlsext_ticket_keys(to, keys, sizeof(keys)) != 1)
		log_warn("tls: copying the session ticket keys failed; "
			 "tickets issued before the reload need a full handshake");
	OPENSSL_cleanse(keys, sizeof(keys));
}

int rb_tls_ctx_reload(struct rb_tls_ctx *ctx, const char *cert_file, const char *key_file)
{
	SSL_CTX *fresh, *old;

	fresh = ssl_ctx_build(cert_file, key_file, &ctx->options);
	if (!fresh) {
		log_err("tls: reload failed, the previous certificate stays in use");
		return -1;
	}

	pthread_mutex_lock(&ctx->lock);
	old = ctx->ssl_ctx;
	copy_ticket_keys(old, fresh);
	ctx->ssl_ctx = fresh;
	pthread_mutex_unlock(&ctx->lock);

	/* Connections made from the old context hold their own reference. */
	SSL_CTX_free(old);
	log_info("tls: reloaded certificate %s", cert_file);
	return 0;
}

void rb_tls_ctx_free(struct rb_tls_ctx *ctx)
{
	if (!ctx)
		return;
	SSL_CTX_free(ctx->ssl_ctx);
	pthread_mutex_destroy(&ctx->lock);
	free(ctx->verify_ca_copy);
	free(ctx);
}

/* ---- connections ---- */

struct rb_tls_conn *rb_tls_conn_new(struct rb_tls_ctx *ctx)
{
	struct rb_tls_conn *c = calloc(1, sizeof(*c));
	BIO *bio;

	if (!c) {
		log_err("tls: out of memory for a connection");
		return NULL;
	}
	c->alert_sent = ALERT_NONE;
	c->alert_received = ALERT_NONE;
	c->release_buffers = ctx->options.release_buffers;
	c->log_failures = !ctx->options.caller_logs_failures;
	c->client = ctx->options.client;

	pthread_mutex_lock(&ctx->lock);
	c->ssl = SSL_new(ctx->ssl_ctx);
	pthread_mutex_unlock(&ctx->lock);

	bio = c->ssl ? BIO_new(bio_method) : NULL;
	if (!bio) {
		log_err("tls: creating a connection failed: %s", openssl_reason());
		SSL_free(c->ssl);
		free(c);
		return NULL;
	}
	BIO_set_data(bio, c);
	BIO_set_init(bio, 1);

	/* One BIO for both directions: SSL_set_bio takes a single reference. */
	SSL_set_bio(c->ssl, bio, bio);
	SSL_set_app_data(c->ssl, c);
	if (c->client)
		SSL_set_connect_state(c->ssl);
	else
		SSL_set_accept_state(c->ssl);
	return c;
}

void rb_tls_conn_set_peer_name(struct rb_tls_conn *conn, const char *name)
{
	snprintf(conn->peer, sizeof(conn->peer), "%s", name);
}

int rb_tls_conn_set_server_name(struct rb_tls_conn *conn, const char *name)
{
	if (rb_tls_verify_server_name(conn->ssl, name) == 0)
		return 0;
	log_err("tls: setting the expected server name '%s' failed: %s", name, openssl_reason());
	return -1;
}

const char *rb_tls_result_name(int result)
{
	switch (result) {
	case RB_TLS_OK: return "ok";
	case RB_TLS_WANT_INPUT: return "want input";
	case RB_TLS_WANT_OUTPUT: return "want output";
	case RB_TLS_CLOSED: return "closed by the peer";
	case RB_TLS_ERR_HANDSHAKE: return "handshake failure";
	case RB_TLS_ERR_PROTOCOL_VERSION: return "protocol version";
	case RB_TLS_ERR_BAD_RECORD: return "bad record";
	case RB_TLS_ERR_TRUNCATED: return "truncated stream";
	case RB_TLS_ERR_INTERNAL: return "internal error";
	default: return "unknown result";
	}
}

static bool alert_is(int alert, int description)
{
	return alert != ALERT_NONE && (alert & 0xff) == description;
}

/* Sorts a failure into the reasons that tls.h lists. */
static int classify(const struct rb_tls_conn *c, int ssl_error, unsigned long err)
{
	int reason = ERR_GET_REASON(err);

	if (reason == SSL_R_UNEXPECTED_EOF_WHILE_READING ||
	    (ssl_error == SSL_ERROR_SYSCALL && err == 0))
		return RB_TLS_ERR_TRUNCATED;

	if (alert_is(c->alert_sent, SSL_AD_PROTOCOL_VERSION) ||
	    alert_is(c->alert_received, SSL_AD_PROTOCOL_VERSION) ||
	    reason == SSL_R_UNSUPPORTED_PROTOCOL || reason == SSL_R_VERSION_TOO_LOW)
		return RB_TLS_ERR_PROTOCOL_VERSION;

	if (alert_is(c->alert_sent, SSL_AD_BAD_RECORD_MAC) ||
	    alert_is(c->alert_sent, SSL_AD_RECORD_OVERFLOW))
		return RB_TLS_ERR_BAD_RECORD;

	switch (reason) {
	case SSL_R_WRONG_VERSION_NUMBER:	/* the first bytes are not a TLS record */
	case SSL_R_HTTP_REQUEST:
	case SSL_R_HTTPS_PROXY_REQUEST:
	case SSL_R_PACKET_LENGTH_TOO_LONG:
	case SSL_R_ENCRYPTED_LENGTH_TOO_LONG:
	case SSL_R_DATA_LENGTH_TOO_LONG:
	case SSL_R_RECORD_LENGTH_MISMATCH:
	case SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC:
		return RB_TLS_ERR_BAD_RECORD;
	case ERR_R_MALLOC_FAILURE:
	case ERR_R_INTERNAL_ERROR:
		return RB_TLS_ERR_INTERNAL;
	}
	if (alert_is(c->alert_sent, SSL_AD_INTERNAL_ERROR) || ERR_GET_LIB(err) == ERR_LIB_BIO)
		return RB_TLS_ERR_INTERNAL;

	return c->handshake_done ? RB_TLS_ERR_BAD_RECORD : RB_TLS_ERR_HANDSHAKE;
}

static void format_message(struct rb_tls_conn *c, int result, unsigned long err)
{
	const char *reason = err ? ERR_reason_error_string(err) : NULL;
	char verify[128];

	if (!reason)
		reason = "no OpenSSL reason";
	rb_tls_verify_reason(c->ssl, verify, sizeof(verify));
	if (verify[0])
		reason = verify;

	if (c->alert_sent != ALERT_NONE)
		snprintf(c->message, sizeof(c->message), "%s: sent alert %s (%s)",
			 rb_tls_result_name(result), SSL_alert_desc_string_long(c->alert_sent),
			 reason);
	else if (c->alert_received != ALERT_NONE)
		snprintf(c->message, sizeof(c->message), "%s: received alert %s from the peer",
			 rb_tls_result_name(result),
			 SSL_alert_desc_string_long(c->alert_received));
	else
		snprintf(c->message, sizeof(c->message), "%s: no alert sent (%s)",
			 rb_tls_result_name(result), reason);
}

static void log_failure(const struct rb_tls_conn *c, int result)
{
	struct rb_log_repeat *repeat;

	if (!c->log_failures)
		return;
	switch (result) {
	case RB_TLS_ERR_HANDSHAKE: repeat = &log_handshake; break;
	case RB_TLS_ERR_PROTOCOL_VERSION: repeat = &log_version; break;
	case RB_TLS_ERR_BAD_RECORD: repeat = &log_bad_record; break;
	case RB_TLS_ERR_TRUNCATED: repeat = &log_truncated; break;
	default: repeat = &log_internal; break;
	}
	rb_log_repeat(repeat, "tls: connection %s %s failed: %s", c->client ? "to" : "from",
		      c->peer[0] ? c->peer : "an unnamed peer", c->message);
}

/* Turns a return value <= 0 of an SSL_* call into a result. */
static int conn_fail(struct rb_tls_conn *c, int ret)
{
	int ssl_error = SSL_get_error(c->ssl, ret);
	unsigned long err;
	int result;

	switch (ssl_error) {
	case SSL_ERROR_WANT_READ:
		return RB_TLS_WANT_INPUT;
	case SSL_ERROR_WANT_WRITE:
		return RB_TLS_WANT_OUTPUT;
	case SSL_ERROR_ZERO_RETURN:
		return RB_TLS_CLOSED;
	}

	err = ERR_peek_error();
	result = classify(c, ssl_error, err);
	format_message(c, result, err);
	ERR_clear_error();
	c->error = result;
	log_failure(c, result);
	return result;
}

static void handshake_complete(struct rb_tls_conn *c)
{
	c->handshake_done = true;
	log_debug("tls: handshake with %s done: %s %s%s",
		  c->peer[0] ? c->peer : "an unnamed peer", SSL_get_version(c->ssl),
		  SSL_get_cipher_name(c->ssl), SSL_session_reused(c->ssl) ? ", resumed" : "");
}

ssize_t rb_tls_feed(struct rb_tls_conn *conn, const void *in, size_t len)
{
	size_t room;

	if (conn->error)
		return conn->error;
	if (len == 0) {
		conn->eof = true;
		return 0;
	}

	room = IN_MAX - buf_len(&conn->in);
	if (len > room)
		len = room;
	if (len == 0)
		return 0;
	if (buf_reserve(&conn->in, len, IN_MAX) < 0) {
		snprintf(conn->message, sizeof(conn->message),
			 "internal error: out of memory for %zu bytes of input", len);
		conn->error = RB_TLS_ERR_INTERNAL;
		log_failure(conn, conn->error);
		return conn->error;
	}
	memcpy(conn->in.data + conn->in.end, in, len);
	conn->in.end += len;
	return (ssize_t)len;
}

int rb_tls_handshake(struct rb_tls_conn *conn)
{
	int ret;

	if (conn->error)
		return conn->error;
	if (conn->handshake_done)
		return RB_TLS_OK;

	ERR_clear_error();
	ret = SSL_do_handshake(conn->ssl);
	if (ret == 1) {
		handshake_complete(conn);
		return RB_TLS_OK;
	}
	return conn_fail(conn, ret);
}

bool rb_tls_handshake_done(const struct rb_tls_conn *conn)
{
	return conn->handshake_done;
}

ssize_t rb_tls_read(struct rb_tls_conn *conn, void *buf, size_t len)
{
	int ret;

	if (conn->error)
		return conn->error;
	if (len == 0)
		return 0;
	if (len > INT_MAX)
		len = INT_MAX;

	ERR_clear_error();
	ret = SSL_read(conn->ssl, buf, (int)len);
	if (!conn->handshake_done && SSL_is_init_finished(conn->ssl))
		handshake_complete(conn);
	if (ret > 0)
		return ret;
	return conn_fail(conn, ret);
}

ssize_t rb_tls_write(struct rb_tls_conn *conn, const void *buf, size_t len)
{
	int ret;

	if (conn->error)
		return conn->error;
	if (len == 0)
		return 0;
	if (buf_len(&conn->out) >= RB_TLS_OUT_HIGH)
		return RB_TLS_WANT_OUTPUT;
	if (len > RB_TLS_WRITE_MAX)
		len = RB_TLS_WRITE_MAX;

	ERR_clear_error();
	ret = SSL_write(conn->ssl, buf, (int)len);
	if (!conn->handshake_done && SSL_is_init_finished(conn->ssl))
		handshake_complete(conn);
	if (ret > 0)
		return ret;
	return conn_fail(conn, ret);
}

size_t rb_tls_pending_out(struct rb_tls_conn *conn, const void **out)
{
	*out = conn->out.data + conn->out.start;
	return buf_len(&conn->out);
}

void rb_tls_consume_out(struct rb_tls_conn *conn, size_t n)
{
	struct tls_buf *b = &conn->out;

	if (n > buf_len(b))
		n = buf_len(b);
	b->start += n;
	if (b->start < b->end)
		return;

	b->start = b->end = 0;
	if (conn->release_buffers)
		buf_free(b);
}

int rb_tls_close_notify(struct rb_tls_conn *conn)
{
	int ret;

	if (conn->error)
		return conn->error;
	if (!conn->handshake_done || conn->close_sent)
		return RB_TLS_OK;

	ERR_clear_error();
	ret = SSL_shutdown(conn->ssl);
	conn->close_sent = true;
	if (ret >= 0)
		return RB_TLS_OK;
	return conn_fail(conn, ret);
}

const char *rb_tls_conn_error(const struct rb_tls_conn *conn)
{
	return conn->message;
}

const char *rb_tls_conn_version(const struct rb_tls_conn *conn)
{
	return SSL_get_version(conn->ssl);
}

const char *rb_tls_conn_cipher(const struct rb_tls_conn *conn)
{
	const char *name = SSL_get_cipher_name(conn->ssl);

	return name ? name : "(none)";
}

bool rb_tls_conn_resumed(const struct rb_tls_conn *conn)
{
	return SSL_session_reused(conn->ssl) == 1;
}

void rb_tls_conn_free(struct rb_tls_conn *conn)
{
	if (!conn)
		return;
	SSL_free(conn->ssl);
	buf_free(&conn->in);
	buf_free(&conn->out);
	free(conn);
}
