/* SPDX-License-Identifier: MIT */
/*
 * TLS connections for the HTTP server (server side) and for syslog
 * (server, and client to the collectors), shaped for an io_uring
 * loop.  OpenSSL 3 runs over per-connection memory buffers and never
 * touches a socket: the caller feeds the ciphertext it received, reads
 * plaintext, queues plaintext, and sends the ciphertext that
 * rb_tls_pending_out points at.
 *
 *	ctx = rb_tls_ctx_new("server.pem", "server.key", NULL);
 *	conn = rb_tls_conn_new(ctx);
 *	on receive:	rb_tls_feed(conn, buf, n)  (n = 0 at EOF)
 *			rb_tls_read(conn, plain, size) until RB_TLS_WANT_INPUT
 *	to respond:	rb_tls_write(conn, plain, len), repeated for the rest
 *	after each call: while rb_tls_pending_out(conn, &p, &len) > 0:
 *			send p, then rb_tls_consume_out(conn, sent)
 *	to end:		rb_tls_close_notify(conn), send what is pending,
 *			rb_tls_conn_free(conn)
 *
 * The handshake runs inside rb_tls_read and rb_tls_write (or
 * rb_tls_handshake), so output can be pending after any of them.
 *
 * Versions are TLS 1.2 and 1.3 only, with the server's cipher order:
 * AES-GCM first (AES-NI), ChaCha20-Poly1305 last.  Stateless session
 * tickets resume TLS 1.2 and 1.3 sessions, and their keys survive
 * rb_tls_ctx_reload.
 *
 * Bulk data is encrypted in userspace.  The kernel TLS offload is only
 * probed (rb_tls_kernel_tls_available) and not used yet.
 *
 * Threads: a context may be shared by threads, and rb_tls_ctx_reload may
 * run while other threads create connections.  A connection belongs to
 * one thread at a time.  Failures are logged through rb_log_repeat,
 * which assumes a single logging thread, so a context used by several
 * threads sets caller_logs_failures and logs rb_tls_conn_error itself.
 */
#ifndef RB_HTTP_TLS_H
#define RB_HTTP_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct rb_tls_ctx;
struct rb_tls_conn;

/*
 * Results of the connection calls.  Calls that move data return a byte
 * count >= 0 or one of these negative values.  Errors (RB_TLS_ERR_*)
 * are sticky: every later call on the connection returns the same one,
 * and rb_tls_conn_error gives the message.  The alert that gives the
 * peer the reason is queued as output, so send it before closing.
 */
enum rb_tls_result {
	RB_TLS_OK = 0,
	RB_TLS_WANT_INPUT = -1,		/* feed more bytes from the peer, then call again */
	RB_TLS_WANT_OUTPUT = -2,	/* send and consume the pending output, then call again */
	RB_TLS_CLOSED = -3,		/* the peer sent close_notify */
	RB_TLS_ERR_HANDSHAKE = -4,	/* the handshake failed (no shared cipher, alert from the peer, ...) */
	RB_TLS_ERR_PROTOCOL_VERSION = -5, /* the peer offers no version this server accepts */
	RB_TLS_ERR_BAD_RECORD = -6,	/* a record that is not TLS, too long, or fails decryption */
	RB_TLS_ERR_TRUNCATED = -7,	/* the peer's stream ended without close_notify */
	RB_TLS_ERR_INTERNAL = -8,	/* out of memory or an OpenSSL failure on this side */
};

/* Settings of a context.  Zero (or a NULL pointer) means the default. */
struct rb_tls_options {
	bool tls13_only;		/* reject TLS 1.2 clients */
	bool no_session_tickets;	/* full handshake on every connection */
	bool release_buffers;		/* SSL_MODE_RELEASE_BUFFERS, and free this layer's buffers when empty */
	bool caller_logs_failures;	/* log no connection failure: the caller logs rb_tls_conn_error */
	bool client;			/* the connections are TLS clients (certificate and key optional) */
	/*
	 * PEM CA certificates that the peer's chain must end in.  A server
	 * then requires a client certificate (mutual TLS); a client checks
	 * the server's chain, and its name when rb_tls_conn_set_server_name
	 * gave one.  NULL: a server asks for no certificate, and a client
	 * must not be created without it.
	 */
	const char *verify_ca_file;
};

/*
 * Load the PEM certificate chain (own certificate first) and private
 * key.  The key file must not be accessible to others (mode o-rwx).
 * A client context may pass NULL for both.  Logs the reason and returns
 * NULL on failure.
 */
struct rb_tls_ctx *rb_tls_ctx_new(const char *cert_file, const char *key_file,
				  const struct rb_tls_options *options);

/*
 * Replace the certificate and key, for a configuration reload.  New
 * connections use them, and open connections keep the old ones until
 * they end.  On failure the old ones stay, the reason is logged and -1
 * is returned.
 */
int rb_tls_ctx_reload(struct rb_tls_ctx *ctx, const char *cert_file, const char *key_file);

/* Free the context.  Connections still open keep what they use. */
void rb_tls_ctx_free(struct rb_tls_ctx *ctx);

/*
 * Probe once whether the kernel offers the "tls" TCP upper layer
 * protocol (setsockopt TCP_ULP "tls" fails with ENOENT when it does
 * not).  rb_tls_ctx_new runs the probe and logs the outcome.
 */
bool rb_tls_kernel_tls_available(void);

/*
 * Create a connection of ctx, a server or a client as ctx's options say,
 * or return NULL when out of memory (logged).
 */
struct rb_tls_conn *rb_tls_conn_new(struct rb_tls_ctx *ctx);

/* Set the peer's name ("192.0.2.1:40000") for log lines.  The string is copied. */
void rb_tls_conn_set_peer_name(struct rb_tls_conn *conn, const char *name);

/*
 * Set the name that a client expects in the server's certificate (a DNS
 * name, also sent as SNI, or an IP address).  Call before the first
 * rb_tls_handshake.  Returns -1 (logged) when OpenSSL rejects the name.
 */
int rb_tls_conn_set_server_name(struct rb_tls_conn *conn, const char *name);

/*
 * Take ciphertext received from the peer.  Returns the number of bytes
 * taken, which is less than len when the input buffer is full (read
 * first, then feed the rest).  len 0 reports the end of the stream.
 */
ssize_t rb_tls_feed(struct rb_tls_conn *conn, const void *in, size_t len);

/*
 * Drive the handshake: RB_TLS_OK once it is complete, else
 * RB_TLS_WANT_INPUT or an error.
 */
int rb_tls_handshake(struct rb_tls_conn *conn);
bool rb_tls_handshake_done(const struct rb_tls_conn *conn);

/*
 * Decrypt up to len bytes of plaintext into buf.  Returns the number of
 * bytes (> 0), RB_TLS_WANT_INPUT when no whole record is buffered,
 * RB_TLS_CLOSED or an error.
 */
ssize_t rb_tls_read(struct rb_tls_conn *conn, void *buf, size_t len);

/*
 * Encrypt plaintext into the output buffer, at most RB_TLS_WRITE_MAX
 * bytes per call in records of 16 KiB.  Returns the number of bytes
 * taken (call again for the rest), RB_TLS_WANT_OUTPUT when
 * RB_TLS_OUT_HIGH bytes or more wait to be sent, RB_TLS_WANT_INPUT while
 * the handshake needs input, or an error.
 */
#define RB_TLS_WRITE_MAX	(64 * 1024)
#define RB_TLS_OUT_HIGH		(64 * 1024)
ssize_t rb_tls_write(struct rb_tls_conn *conn, const void *buf, size_t len);

/*
 * Point *out at the ciphertext waiting to be sent and return its length
 * (0 when none).  The pointer stays valid until the next call on conn
 * other than rb_tls_pending_out.
 */
size_t rb_tls_pending_out(struct rb_tls_conn *conn, const void **out);

/* Mark the first n bytes of the pending output as sent. */
void rb_tls_consume_out(struct rb_tls_conn *conn, size_t n);

/*
 * Queue a close_notify alert.  Before the handshake is complete nothing
 * is queued and RB_TLS_OK is returned: close the socket.
 */
int rb_tls_close_notify(struct rb_tls_conn *conn);

/*
 * The last error's message, naming the reason sent to the peer, for
 * example "protocol version: sent alert protocol version (unsupported
 * protocol)", and the reason a peer certificate failed verification.
 * "" when there was none.
 */
const char *rb_tls_conn_error(const struct rb_tls_conn *conn);

/* Negotiated version ("TLSv1.3") and cipher suite names, for logs. */
const char *rb_tls_conn_version(const struct rb_tls_conn *conn);
const char *rb_tls_conn_cipher(const struct rb_tls_conn *conn);

/* Whether the handshake resumed a session from a ticket. */
bool rb_tls_conn_resumed(const struct rb_tls_conn *conn);

/* Name of a result value ("want input", "protocol version", ...). */
const char *rb_tls_result_name(int result);

void rb_tls_conn_free(struct rb_tls_conn *conn);

#endif
