package console

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
)

// Device states the devices page filters by.
const (
	stateActive  = "active"
	stateSilent  = "silent"
	stateRevoked = "revoked"
	stateRemoved = "removed"
)

// devicePageSize is how many devices one page lists.
const devicePageSize = 50

// deviceRow is a device as the devices page lists it.
type deviceRow struct {
	lts.Device
	State    string
	Customer string
}

type devicesPage struct {
	Q, Code, State string
	Codes          []customer
	Rows           []deviceRow
	Total          int // matching devices
	Page, Pages    int
	PrevURL        string
	NextURL        string
	Back           string // this page, for actions to return to
	Counts         map[string]int
}

func deviceState(d *lts.Device, offline time.Duration, now time.Time) string {
	switch {
	case d.Revoked:
		return stateRevoked
	case d.Removed:
		return stateRemoved
	case silentPast(d, offline, now):
		return stateSilent
	}
	return stateActive
}

func (c *Console) devicesPage(w http.ResponseWriter, r *http.Request, s *session) {
	now := c.now()
	v := r.URL.Query()
	p := &devicesPage{Q: strings.TrimSpace(v.Get("q")), Code: v.Get("code"), State: v.Get("state"), Counts: map[string]int{}}
	switch p.State {
	case "", stateActive, stateSilent, stateRevoked, stateRemoved:
	default:
		p.State = ""
	}
	p.Page, _ = strconv.Atoi(v.Get("page"))
	p.Page = max(p.Page, 1)
	snap, err := takeSnapshot(r.Context(), c.store, now)
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err)
		return
	}
	p.Codes = snap.Customers
	offline, names := map[string]time.Duration{}, map[string]string{}
	for _, cu := range snap.Customers {
		offline[cu.Code()], names[cu.Code()] = cu.Handshake.OfflinePeriod, cu.Name
	}
	devices, err := c.store.Devices(r.Context(), p.Code)
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err)
		return
	}
	needle := strings.ToLower(p.Q)
	var rows []deviceRow
	for i := range devices {
		d := &devices[i]
		if needle != "" && !matches(d, names[d.Handshake], needle) {
			continue
		}
		state := deviceState(d, offline[d.Handshake], now)
		p.Counts[state]++
		if p.State != "" && state != p.State {
			continue
		}
		rows = append(rows, deviceRow{Device: *d, State: state, Customer: names[d.Handshake]})
	}
	// Longest silent first when looking at silent devices, else the most
	// recently seen first.
	slices.SortStableFunc(rows, func(a, b deviceRow) int {
		if p.State == stateSilent {
			return cmp.Compare(a.LastSeen.UnixNano(), b.LastSeen.UnixNano())
		}
		return cmp.Compare(b.LastSeen.UnixNano(), a.LastSeen.UnixNano())
	})
	p.Total = len(rows)
	p.Pages = max(1, (len(rows)+devicePageSize-1)/devicePageSize)
	p.Page = min(p.Page, p.Pages)
	start := (p.Page - 1) * devicePageSize
	p.Rows = rows[start:min(start+devicePageSize, len(rows))]
	link := func(page int) string {
		q := url.Values{}
		for k, val := range map[string]string{"q": p.Q, "code": p.Code, "state": p.State} {
			if val != "" {
				q.Set(k, val)
			}
		}
		if page > 1 {
			q.Set("page", strconv.Itoa(page))
		}
		return Prefix + "devices?" + q.Encode()
	}
	if p.Page > 1 {
		p.PrevURL = link(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.NextURL = link(p.Page + 1)
	}
	p.Back = link(p.Page)
	c.render(w, r, s, http.StatusOK, "devices", p)
}

// matches reports whether a device's id, domain, address, software or
// customer holds the lower-case needle.
func matches(d *lts.Device, customer, needle string) bool {
	for _, f := range []string{d.ID, d.Domain, d.Address, d.Software, d.Handshake, customer} {
		if strings.Contains(strings.ToLower(f), needle) {
			return true
		}
	}
	return false
}

func (c *Console) deviceAction(w http.ResponseWriter, r *http.Request, s *session) {
	id, action := r.PathValue("id"), lts.DeviceAction(r.PathValue("action"))
	if err := action.Apply(&lts.Device{}, c.now()); err != nil {
		c.fail(w, r, s, http.StatusBadRequest, err)
		return
	}
	if err := c.store.SetDeviceState(r.Context(), id, action, c.now()); err != nil {
		c.fail(w, r, s, statusOf(err), err)
		return
	}
	c.log.Info("console: device state changed", "device", id, "action", action, "account", s.account.Name)
	http.Redirect(w, r, withDone(r.PostFormValue("back"), string(action)), http.StatusSeeOther)
}

// withDone returns a console URL to go back to after an action, with the
// flash message key set.
func withDone(back, done string) string {
	u, err := url.Parse(safeNext(back))
	if err != nil {
		u = &url.URL{Path: Prefix}
	}
	q := u.Query()
	q.Set("done", done)
	u.RawQuery = q.Encode()
	return u.RequestURI()
}
