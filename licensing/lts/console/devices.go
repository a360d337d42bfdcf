package console

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/scannerd/scannerd/licensing/lts"
)

// devicePageSize is how many devices one page lists.
const devicePageSize = 50

// deviceRow is a device as the devices page lists it.
type deviceRow struct {
	lts.Device
	State    lts.DeviceState
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
	Back           string         // this page, for actions to return to
	Counts         map[string]int // per state
}

// devicesPage lists one page of the devices a search keeps: the store
// counts and sorts them, and reads only the page's records.
func (c *Console) devicesPage(w http.ResponseWriter, r *http.Request, s *session) {
	v := r.URL.Query()
	p := &devicesPage{Q: strings.TrimSpace(v.Get("q")), Code: v.Get("code"), State: v.Get("state"), Counts: map[string]int{}}
	if !slices.Contains(lts.DeviceStates, lts.DeviceState(p.State)) {
		p.State = ""
	}
	p.Page, _ = strconv.Atoi(v.Get("page"))
	p.Page = max(p.Page, 1)
	snap, err := takeSnapshot(r.Context(), c.store, c.now())
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err)
		return
	}
	p.Codes = snap.Customers
	q := snap.deviceQuery()
	q.Handshake, q.Search = p.Code, p.Q
	names := map[string]string{}
	needle := strings.ToLower(p.Q)
	for _, cu := range snap.Customers {
		names[cu.Code()] = cu.Name
		if needle != "" && strings.Contains(strings.ToLower(cu.Name), needle) {
			q.SearchCodes = append(q.SearchCodes, cu.Code())
		}
	}
	counts, err := c.store.DeviceCounts(r.Context(), q)
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err)
		return
	}
	var all lts.DeviceCount
	for _, n := range counts {
		all = all.Plus(n)
	}
	for _, st := range lts.DeviceStates {
		p.Counts[string(st)] = all.In(st)
	}
	p.Total = all.In(lts.DeviceState(p.State))
	p.Pages = max(1, (p.Total+devicePageSize-1)/devicePageSize)
	p.Page = min(p.Page, p.Pages)
	// Longest silent first when looking at silent devices, else the most
	// recently seen first.
	q.State, q.Oldest = lts.DeviceState(p.State), p.State == string(lts.DeviceSilent)
	q.Offset, q.Limit = (p.Page-1)*devicePageSize, devicePageSize
	devices, err := c.store.ListDevices(r.Context(), q)
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err)
		return
	}
	for _, d := range devices {
		p.Rows = append(p.Rows, deviceRow{Device: d, State: q.StateOf(d.Handshake, d.LastSeen, d.Removed, d.Revoked), Customer: names[d.Handshake]})
	}
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

func (c *Console) deviceAction(w http.ResponseWriter, r *http.Request, s *session) {
	id, action := r.PathValue("id"), lts.DeviceAction(r.PathValue("action"))
	if err := action.Apply(&lts.Device{}, c.now()); err != nil {
		c.fail(w, r, s, http.StatusBadRequest, err)
		return
	}
	changed, err := c.store.SetDeviceState(r.Context(), id, action, c.now())
	if err != nil {
		c.fail(w, r, s, statusOf(err), err)
		return
	}
	done := "device-unchanged"
	if changed {
		done = string(action)
		c.log.Info("console: device state changed", "device", id, "action", action, "account", s.account.Name)
	}
	http.Redirect(w, r, withDone(r.PostFormValue("back"), done), http.StatusSeeOther)
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
