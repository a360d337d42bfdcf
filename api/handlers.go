package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/scannerd/scannerd/api/apitype"
)

// Health is GET /v1/health's answer.
type Health = apitype.Health

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) error {
	if err := checkKeys(r.URL.Query(), nil); err != nil {
		return err
	}
	return writeJSON(w, Health{OK: true})
}

func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) error {
	if err := checkKeys(r.URL.Query(), nil); err != nil {
		return err
	}
	return writeJSON(w, s.status())
}

// Results is GET /v1/results's answer.
type Results = apitype.Results

func (s *Server) handleResults(w http.ResponseWriter, r *http.Request) error {
	v, err := parseRawQuery(r.URL.RawQuery)
	if err != nil {
		return err
	}
	q, err := parseResultsQuery(v, s.cfg.MaxHeldResults, s.sourceNames)
	if err != nil {
		return err
	}
	return writeJSON(w, s.hub.results(q.filter, q.since, q.limit))
}

// handleScan waits for the next result published after the request
// arrived that passes the filter: the kiosk's "scan now" button. When the
// license refuses a live frame of the filter's sources, or the meter a
// result the filter takes, it answers the refusal (license_refused) at
// once: what the scan waited for will not come. A refusal noticed only
// at the timeout (one that came as the scan began) is answered then,
// rather than timeout.
func (s *Server) handleScan(w http.ResponseWriter, r *http.Request) error {
	v, err := parseRawQuery(r.URL.RawQuery)
	if err != nil {
		return err
	}
	q, err := parseScanQuery(v, s.cfg.ScanTimeout.D(), s.cfg.MaxScanTimeout.D(), s.sourceNames)
	if err != nil {
		return err
	}
	peer, _ := peerFromContext(r.Context())
	mark := s.refused.mark()
	sub, _, err := s.hub.subscribe(subscription{filter: q.filter, uid: peer.UID, scan: true})
	if err != nil {
		return err
	}
	defer s.hub.unsubscribe(sub)
	t := time.NewTimer(q.timeout)
	defer t.Stop()
	select {
	case it := <-sub.ch:
		s.extendWrite(w)
		return writeJSON(w, it.Result)
	case err := <-sub.refused:
		s.extendWrite(w)
		select {
		case it := <-sub.ch: // a result came with the refusal of others
			return writeJSON(w, it.Result)
		default:
			return err
		}
	case <-t.C:
		s.extendWrite(w)
		if err := s.refused.since(mark, q.filter.sources); err != nil {
			// Nothing was read because the license refused the frames:
			// say so, as POST /v1/decode does, rather than "timeout".
			return fmt.Errorf("%w (no barcode within %v)", err, q.timeout)
		}
		return fmt.Errorf("%w (%v)", ErrTimeout, q.timeout)
	case <-sub.gone:
		s.extendWrite(w)
		return ErrShuttingDown
	case <-r.Context().Done():
		return nil // the client left
	}
}

// extendWrite gives the next write the full write timeout, after a
// handler has waited.
func (s *Server) extendWrite(w http.ResponseWriter) {
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout.D()))
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) error {
	s.metrics.handler().ServeHTTP(w, r)
	return nil
}
