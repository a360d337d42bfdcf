package client

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The client speaks HTTP/1.1 itself, over the Unix socket, instead of
// through net/http: net/http brings TLS, HTTP/2 and proxies along, and
// would double the size of a kiosk program that has no use for them. What
// it speaks is the part of HTTP/1.1 (RFC 9112) the daemon answers with:
// responses framed by Content-Length, by chunked transfer coding, or by
// the end of the connection; persistent connections.

// Exchange is one request the client sent and the response it got, as an
// exchange hook sees it (WithExchangeHook).
type Exchange struct {
	Method string
	Path   string
	Query  url.Values
	// RequestHeader holds the request's headers, RequestBody its body.
	RequestHeader textproto.MIMEHeader
	RequestBody   []byte
	Status        int
	Header        textproto.MIMEHeader
	// Body is the response body; a hook may replace it with a reader over
	// it (to check what the client reads), which the client then reads.
	Body io.ReadCloser
}

// WithExchangeHook has hook see every response before the client reads
// its body: tests check them against docs/openapi.yaml.
func WithExchangeHook(hook func(*Exchange)) Option {
	return func(c *Client) { c.hook = hook }
}

// maxHeaderBytes bounds a response's status line and headers.
const maxHeaderBytes = 1 << 20

// maxIdle is how many idle connections the client keeps, and idleFor how
// long (the daemon closes them after its idle_timeout, 60 s by default).
const (
	maxIdle = 4
	idleFor = 30 * time.Second
)

// conn is a connection to the daemon and its read buffer.
type conn struct {
	net.Conn
	br   *bufio.Reader
	used time.Time // when it went idle
}

// pool holds idle connections.
type pool struct {
	mu   sync.Mutex
	idle []*conn
}

func (p *pool) get(now time.Time) *conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.idle) > 0 {
		c := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		if now.Sub(c.used) < idleFor {
			return c
		}
		c.Close()
	}
	return nil
}

func (p *pool) put(c *conn, now time.Time) {
	c.used = now
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.idle) >= maxIdle {
		c.Close()
		return
	}
	p.idle = append(p.idle, c)
}

func (p *pool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.idle {
		c.Close()
	}
	p.idle = nil
}

// dialAttempts bounds the attempts to connect to a full listen queue:
// with pauses of 1, 2, … 64 ms, then 100 ms, about 2 s in all.
const dialAttempts = 27

// dial connects to the socket. connect(2) on a Unix socket whose listen
// queue is full fails at once with EAGAIN instead of waiting its turn (a
// flood of connections by another client does that); the connection is
// retried with growing pauses, for about 2 s or until ctx ends.
func (c *Client) dial(ctx context.Context) (*conn, error) {
	var d net.Dialer
	for attempt := 1; ; attempt++ {
		nc, err := d.DialContext(ctx, "unix", c.socket)
		if err == nil {
			return &conn{Conn: nc, br: bufio.NewReaderSize(nc, 16<<10)}, nil
		}
		if !errors.Is(err, syscall.EAGAIN) || attempt == dialAttempts {
			return nil, fmt.Errorf("%w at %s: %w", ErrUnreachable, c.socket, err)
		}
		if !c.pause(ctx, attempt) {
			return nil, ctx.Err()
		}
	}
}

// response is a response whose body is being read.
type response struct {
	status int
	header textproto.MIMEHeader
	body   io.ReadCloser
}

// roundTrip sends one request and reads the response's head. The body
// must be read or closed; ctx ending cuts the connection, also while the
// body is read.
func (c *Client) roundTrip(ctx context.Context, method, path string, q url.Values, body []byte, header textproto.MIMEHeader) (*response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	target := path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	var req bytes.Buffer
	fmt.Fprintf(&req, "%s %s HTTP/1.1\r\nHost: scannerd\r\n", method, target)
	for k, vs := range header {
		for _, v := range vs {
			fmt.Fprintf(&req, "%s: %s\r\n", k, v)
		}
	}
	if body != nil || method == "POST" || method == "PUT" {
		fmt.Fprintf(&req, "Content-Length: %d\r\n", len(body))
	}
	req.WriteString("\r\n")
	req.Write(body)

	// A connection that sat idle may have been closed by the daemon; a
	// request that found it so, before any answer, goes again on a new one.
	for {
		cn := c.idle.get(time.Now())
		reused := cn != nil
		if cn == nil {
			var err error
			if cn, err = c.dial(ctx); err != nil {
				return nil, err
			}
		}
		resp, err := c.exchange(ctx, cn, req.Bytes())
		if err == nil {
			if c.hook != nil {
				ex := &Exchange{Method: method, Path: path, Query: q, RequestHeader: header, RequestBody: body,
					Status: resp.status, Header: resp.header, Body: resp.body}
				c.hook(ex)
				resp.body = ex.Body
			}
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if reused && errors.Is(err, errNoAnswer) {
			continue
		}
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
}

// errNoAnswer: the connection ended before the response began.
var errNoAnswer = errors.New("the daemon closed the connection without an answer")

// exchange writes a request on cn and reads the response's head.
func (c *Client) exchange(ctx context.Context, cn *conn, req []byte) (*response, error) {
	stop := context.AfterFunc(ctx, func() { cn.SetDeadline(time.Unix(1, 0)) })
	_, werr := cn.Write(req)
	// The daemon may answer (and close) before it read the whole request,
	// as it does for a body that is too large: read its answer anyway.
	status, header, err := readHead(cn.br)
	if err != nil {
		stop()
		cn.Close()
		if werr != nil && errors.Is(err, errNoAnswer) {
			return nil, fmt.Errorf("%w: %w", errNoAnswer, werr)
		}
		return nil, err
	}
	b := &body{cn: cn, pool: &c.idle, stop: stop,
		keep: !strings.EqualFold(header.Get("Connection"), "close") && werr == nil}
	switch {
	case status == 204 || status == 304:
		b.r = eofReader{}
	case strings.EqualFold(header.Get("Transfer-Encoding"), "chunked"):
		b.r = &chunkedReader{br: cn.br}
	case header.Get("Content-Length") != "":
		n, err := strconv.ParseInt(header.Get("Content-Length"), 10, 64)
		if err != nil || n < 0 {
			b.Close()
			return nil, fmt.Errorf("bad Content-Length %q", header.Get("Content-Length"))
		}
		b.r = io.LimitReader(cn.br, n)
	default:
		b.r, b.keep = cn.br, false // to the end of the connection
	}
	return &response{status: status, header: header, body: b}, nil
}

// maxInterim bounds the interim (1xx) answers before the response.
const maxInterim = 8

// readHead reads a status line and headers, past interim answers.
func readHead(br *bufio.Reader) (int, textproto.MIMEHeader, error) {
	for range maxInterim {
		status, header, err := readOneHead(br)
		if err != nil || status >= 200 {
			return status, header, err
		}
	}
	return 0, nil, errors.New("too many interim answers")
}

func readOneHead(br *bufio.Reader) (int, textproto.MIMEHeader, error) {
	// textproto reads through a buffer of its own, which must not take
	// bytes of the body: it gets the head one byte at a time.
	tp := textproto.NewReader(bufio.NewReaderSize(&byteReader{br: br, left: maxHeaderBytes}, 16))
	line, err := tp.ReadLine()
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) {
			return 0, nil, errNoAnswer
		}
		return 0, nil, err
	}
	proto, rest, _ := strings.Cut(line, " ")
	code, _, _ := strings.Cut(rest, " ")
	status, err := strconv.Atoi(code)
	if !strings.HasPrefix(proto, "HTTP/1.") || err != nil || len(code) != 3 || status < 100 {
		return 0, nil, fmt.Errorf("malformed status line %q", truncate(line, 64))
	}
	header, err := tp.ReadMIMEHeader()
	if err != nil {
		return 0, nil, fmt.Errorf("malformed response headers: %w", err)
	}
	return status, header, nil
}

// byteReader hands out one byte at a time, at most left of them, so that
// the reader over it never takes more than the head.
type byteReader struct {
	br   *bufio.Reader
	left int
}

func (r *byteReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, errors.New("response headers too large")
	}
	if len(p) == 0 {
		return 0, nil
	}
	b, err := r.br.ReadByte()
	if err != nil {
		return 0, err
	}
	r.left--
	p[0] = b
	return 1, nil
}

// body is a response body on a connection, which goes back to the pool
// once the body was read to its end.
type body struct {
	cn   *conn
	r    io.Reader
	pool *pool
	stop func() bool
	keep bool
	done bool
}

func (b *body) Read(p []byte) (int, error) {
	if b.done {
		return 0, io.EOF
	}
	n, err := b.r.Read(p)
	if errors.Is(err, io.EOF) {
		b.finish(true)
	}
	return n, err
}

// Close ends the body; a connection whose body was not read to its end
// is closed.
func (b *body) Close() error {
	b.finish(false)
	return nil
}

func (b *body) finish(atEOF bool) {
	if b.done {
		return
	}
	b.done = true
	if b.stop() && atEOF && b.keep {
		b.pool.put(b.cn, time.Now())
		return
	}
	b.cn.Close()
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// chunkedReader decodes the chunked transfer coding (RFC 9112 §7.1):
// chunks of "size[;extensions] CRLF data CRLF", a last chunk of size 0,
// then trailer lines up to an empty one.
type chunkedReader struct {
	br   *bufio.Reader
	left int64 // bytes left in the current chunk
	end  bool
}

// maxChunkLine bounds a chunk-size or trailer line.
const maxChunkLine = 4096

func (r *chunkedReader) Read(p []byte) (int, error) {
	if r.end {
		return 0, io.EOF
	}
	if r.left == 0 {
		line, err := readLine(r.br)
		if err != nil {
			return 0, err
		}
		size, _, _ := strings.Cut(line, ";")
		n, err := strconv.ParseInt(strings.TrimSpace(size), 16, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("malformed chunk size %q", truncate(line, 32))
		}
		if n == 0 {
			for {
				line, err := readLine(r.br)
				if err != nil {
					return 0, err
				}
				if line == "" {
					r.end = true
					return 0, io.EOF
				}
			}
		}
		r.left = n
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.br.Read(p)
	r.left -= int64(n)
	if r.left == 0 && err == nil {
		if line, lerr := readLine(r.br); lerr != nil || line != "" {
			return n, errors.New("malformed chunk: no CRLF after its data")
		}
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// readLine reads a line ending in CRLF (or LF), without it.
func readLine(br *bufio.Reader) (string, error) {
	var line []byte
	for {
		part, more, err := br.ReadLine()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return "", err
		}
		line = append(line, part...)
		if len(line) > maxChunkLine {
			return "", errors.New("chunk line too long")
		}
		if !more {
			return string(line), nil
		}
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
