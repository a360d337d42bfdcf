package sink_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/scannerd/scannerd/internal/syncbuf"
)

const (
	brokerUser     = "scanner"
	brokerPassword = "broker-pass"
)

// broker is a real mosquitto started by the test on loopback ports: a
// plain listener and a TLS one, both asking for a username and password,
// with its state (sessions, retained messages) persisted across restarts
// in the test's directory.
type broker struct {
	t          testing.TB
	bin        string
	dir        string
	conf       string
	plain, tls string // host:port
	ca         string // PEM file of the CA that signed the TLS certificate
	log        *syncbuf.Buffer

	mu  sync.Mutex
	cmd *exec.Cmd
}

func startBroker(t testing.TB) *broker {
	t.Helper()
	bin, err := exec.LookPath("mosquitto")
	if err != nil {
		bin = "/usr/sbin/mosquitto"
		if _, err := os.Stat(bin); err != nil {
			t.Skip("skipping: mosquitto is not installed (scripts/deps.sh installs it)")
		}
	}
	passwd, err := exec.LookPath("mosquitto_passwd")
	if err != nil {
		t.Skip("skipping: mosquitto_passwd is not installed (scripts/deps.sh installs mosquitto)")
	}
	dir := t.TempDir()
	b := &broker{t: t, bin: bin, dir: dir, conf: filepath.Join(dir, "mosquitto.conf"), log: &syncbuf.Buffer{},
		plain: freePort(t), tls: freePort(t)}
	pwFile := filepath.Join(dir, "passwd")
	if out, err := exec.Command(passwd, "-c", "-b", pwFile, brokerUser, brokerPassword).CombinedOutput(); err != nil {
		t.Fatalf("mosquitto_passwd: %v: %s", err, out)
	}
	var cert, key string
	b.ca, cert, key = serverCertificate(t, dir)
	user := ""
	if os.Geteuid() == 0 {
		user = "user root\n" // else it drops to the mosquitto user and cannot write here
	}
	conf := fmt.Sprintf(`%sper_listener_settings false
allow_anonymous false
password_file %s
persistence true
set_tcp_nodelay true
persistence_location %s/
log_dest stderr
log_type error
log_type warning
listener %s 127.0.0.1
listener %s 127.0.0.1
certfile %s
keyfile %s
`, user, pwFile, dir, port(b.plain), port(b.tls), cert, key)
	if err := os.WriteFile(b.conf, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	b.start()
	t.Cleanup(b.stop)
	return b
}

// start runs mosquitto and waits until both listeners accept.
func (b *broker) start() {
	b.t.Helper()
	cmd := exec.Command(b.bin, "-c", b.conf)
	cmd.Stdout, cmd.Stderr = b.log, b.log
	if err := cmd.Start(); err != nil {
		b.t.Fatalf("start mosquitto: %v", err)
	}
	b.mu.Lock()
	b.cmd = cmd
	b.mu.Unlock()
	for _, addr := range []string{b.plain, b.tls} {
		deadline := time.Now().Add(hangBound)
		for {
			c, err := net.Dial("tcp", addr)
			if err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) {
				b.t.Fatalf("mosquitto does not listen on %s: %v\n%s", addr, err, b.log)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// stop ends mosquitto the way systemctl stop does (SIGTERM: it saves its
// state) and waits for it.
func (b *broker) stop() {
	b.mu.Lock()
	cmd := b.cmd
	b.cmd = nil
	b.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
}

// restart stops and starts the broker on the same ports.
func (b *broker) restart() {
	b.stop()
	b.start()
}

// subscriber connects a test client with a persistent session (it gets
// what was published while it was away, across broker restarts) and
// records the messages on topic.
type subscriber struct {
	c    mqtt.Client
	mu   sync.Mutex
	msgs []message
}

type message struct {
	topic, payload string
	retained       bool
}

func (b *broker) subscribe(t testing.TB, id, topic string) *subscriber {
	t.Helper()
	s := &subscriber{}
	opts := mqtt.NewClientOptions().AddBroker("tcp://" + b.plain).SetClientID(id).
		SetUsername(brokerUser).SetPassword(brokerPassword).
		SetCleanSession(false).SetAutoReconnect(true).SetMaxReconnectInterval(50 * time.Millisecond).
		SetConnectRetry(true).SetConnectRetryInterval(50 * time.Millisecond).SetResumeSubs(true).
		SetOrderMatters(true)
	// Messages the broker kept for the session arrive before the
	// subscription is made again on a reconnect: one handler for all.
	opts.SetDefaultPublishHandler(func(_ mqtt.Client, m mqtt.Message) { s.add(m) })
	s.c = mqtt.NewClient(opts)
	if tok := s.c.Connect(); !tok.WaitTimeout(hangBound) || tok.Error() != nil {
		t.Fatalf("subscriber: connect: %v\n%s", tok.Error(), b.log)
	}
	if tok := s.c.Subscribe(topic, 1, nil); !tok.WaitTimeout(hangBound) || tok.Error() != nil {
		t.Fatalf("subscriber: subscribe: %v", tok.Error())
	}
	t.Cleanup(func() { s.c.Disconnect(0) })
	return s
}

func (s *subscriber) add(m mqtt.Message) {
	s.mu.Lock()
	s.msgs = append(s.msgs, message{topic: m.Topic(), payload: string(m.Payload()), retained: m.Retained()})
	s.mu.Unlock()
}

func (s *subscriber) messages() []message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]message(nil), s.msgs...)
}

// last returns the payload of the latest message on topic ("" if none).
func (s *subscriber) last(topic string) string {
	msgs := s.messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].topic == topic {
			return msgs[i].payload
		}
	}
	return ""
}

// proxy forwards TCP connections to a broker; cut closes them all without
// an MQTT DISCONNECT, as a crash or a pulled cable would.
type proxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func startProxy(t testing.TB, to string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", to)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
	t.Cleanup(func() { ln.Close(); p.cut() })
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// freePort returns a loopback address no one listens on at the moment.
func freePort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// serverCertificate writes a CA and a certificate for 127.0.0.1 signed by
// it, and returns the three PEM files.
func serverCertificate(t testing.TB, dir string) (ca, cert, key string) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	srvKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	srvTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, caCert, &srvKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(srvKey)
	write := func(name, typ string, der []byte) string {
		var b bytes.Buffer
		pem.Encode(&b, &pem.Block{Type: typ, Bytes: der})
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	return write("ca.pem", "CERTIFICATE", caDER), write("server.pem", "CERTIFICATE", srvDER), write("server.key", "PRIVATE KEY", keyDER)
}
