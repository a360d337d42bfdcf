package api

import (
	"errors"
	"net"
	"os"
	"strconv"
	"sync/atomic"
	"time"
)

// watchedListener wraps accepted connections in watchedConn.
type watchedListener struct {
	net.Listener
	writeTimeout time.Duration
}

func (l *watchedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &watchedConn{Conn: c, writeTimeout: l.writeTimeout}, nil
}

type watchedKey struct{}

// watchedConn answers a client whose request headers do not arrive within
// the read-header timeout with a JSON 408 header_timeout before net/http
// closes the connection (net/http itself closes it without a word). It
// answers only when part of a request was received: an idle keep-alive
// connection that times out is closed silently, as usual.
type watchedConn struct {
	net.Conn
	writeTimeout time.Duration
	inHandler    atomic.Bool
	partial      atomic.Int64 // bytes read outside handlers since the last one ended
	answered     atomic.Bool
}

// headerTimeoutResponse is written straight to the connection, outside
// net/http, so it is complete in itself.
var headerTimeoutResponse = func() []byte {
	body := `{"error":{"code":"header_timeout","message":"` + ErrHeaderTimeout.Error() + `"}}` + "\n"
	return []byte("HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nConnection: close\r\n" +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
}()

func (c *watchedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if c.inHandler.Load() {
		return n, err
	}
	if n > 0 {
		c.partial.Add(int64(n))
	}
	if err != nil && n == 0 && errors.Is(err, os.ErrDeadlineExceeded) &&
		c.partial.Load() > 0 && c.answered.CompareAndSwap(false, true) {
		c.Conn.SetWriteDeadline(time.Now().Add(min(c.writeTimeout, time.Second)))
		c.Conn.Write(headerTimeoutResponse)
	}
	return n, err
}

// handlerStarted and handlerDone bracket a request's handler.
func (c *watchedConn) handlerStarted() { c.inHandler.Store(true) }

func (c *watchedConn) handlerDone() {
	c.partial.Store(0)
	c.inHandler.Store(false)
}
