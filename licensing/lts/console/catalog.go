package console

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scannerd/scannerd/licensing/lts"
	"github.com/scannerd/scannerd/licensing/wire"
)

// The handshake codes and licenses pages: what operators set up.

type codesPage struct {
	Codes    []customer
	Unbound  []lts.LicenseRecord
	Error    string
	Form     codeForm
	Defaults codeForm
}

type codeForm struct {
	Code, Domains, Networks string
	Licenses                []string
	OfflineDays, Grace      int
}

func (c *Console) codesPage(w http.ResponseWriter, r *http.Request, s *session) {
	c.renderCodes(w, r, s, http.StatusOK, "", codeForm{OfflineDays: int(lts.DefaultOfflinePeriod / (24 * time.Hour))})
}

func (c *Console) renderCodes(w http.ResponseWriter, r *http.Request, s *session, status int, msg string, form codeForm) {
	snap, err := takeSnapshot(r.Context(), c.store, c.now())
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err)
		return
	}
	ls, err := c.store.Licenses(r.Context())
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err)
		return
	}
	p := &codesPage{Codes: snap.Customers, Error: msg, Form: form}
	now := c.now()
	for _, l := range ls {
		if l.Handshake == "" && now.Before(l.License.Expires) {
			p.Unbound = append(p.Unbound, l)
		}
	}
	c.render(w, r, s, status, "codes", p)
}

// splitList reads a comma- or space-separated form field.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}

func (c *Console) createCode(w http.ResponseWriter, r *http.Request, s *session) {
	form := codeForm{
		Code: strings.TrimSpace(r.PostFormValue("code")), Domains: r.PostFormValue("domains"), Networks: r.PostFormValue("networks"),
		Licenses: r.PostForm["license"],
	}
	var err error
	if form.OfflineDays, err = strconv.Atoi(r.PostFormValue("offline_days")); err != nil {
		err = fmt.Errorf("%w: offline period %q: want a number of days", lts.ErrInvalid, r.PostFormValue("offline_days"))
	}
	if g := r.PostFormValue("grace"); err == nil && g != "" {
		if form.Grace, err = strconv.Atoi(g); err != nil {
			err = fmt.Errorf("%w: grace %q: want a percentage", lts.ErrInvalid, g)
		}
	}
	h := lts.Handshake{Code: form.Code, Licenses: form.Licenses, Domains: splitList(form.Domains), GracePercent: form.Grace, Created: c.now()}
	if err == nil && form.OfflineDays > 0 && form.OfflineDays <= 366 {
		h.OfflinePeriod = time.Duration(form.OfflineDays) * 24 * time.Hour
	}
	for _, n := range splitList(form.Networks) {
		p, perr := netip.ParsePrefix(n)
		if perr != nil && err == nil {
			err = fmt.Errorf("%w: network %q: want a CIDR such as 192.0.2.0/24", lts.ErrInvalid, n)
		}
		h.Networks = append(h.Networks, p.Masked())
	}
	if pw := r.PostFormValue("password"); pw != "" && err == nil {
		h.Password, err = lts.HashPassword(pw)
	}
	if h.Code == "" {
		h.Code = lts.NewHandshakeCode()
	}
	if err == nil {
		err = c.store.CreateHandshake(r.Context(), &h)
	}
	if err != nil {
		status := statusOf(err)
		if status >= 500 {
			c.fail(w, r, s, status, err)
			return
		}
		c.renderCodes(w, r, s, status, err.Error(), form)
		return
	}
	c.log.Info("console: handshake code created", "code", h.Code, "licenses", h.Licenses, "account", s.account.Name)
	http.Redirect(w, r, withDone(Prefix+"codes#code-"+h.Code, "code"), http.StatusSeeOther)
}

func (c *Console) bindLicense(w http.ResponseWriter, r *http.Request, s *session) {
	code, id := r.PathValue("code"), r.PostFormValue("license")
	err := errors.New("choose a license to bind")
	if id != "" {
		err = c.store.AddLicenses(r.Context(), code, []string{id})
	}
	if err != nil {
		c.renderCodes(w, r, s, max(statusOf(err), http.StatusBadRequest), err.Error(), codeForm{OfflineDays: 7})
		return
	}
	c.log.Info("console: license bound", "code", code, "license", id, "account", s.account.Name)
	http.Redirect(w, r, withDone(Prefix+"codes", "bound"), http.StatusSeeOther)
}

type licenseRow struct {
	lts.LicenseRecord
	Customer  string
	ExpiresIn time.Duration
	Status    string // "valid", "expiring" (within 30 days), "expired", "future"
}

type licensesPage struct {
	Rows  []licenseRow
	Codes []customer
	Error string
}

// expiringSoon is when the licenses page starts warning of an expiry.
const expiringSoon = 30 * 24 * time.Hour

func (c *Console) licensesPage(w http.ResponseWriter, r *http.Request, s *session) {
	c.renderLicenses(w, r, s, http.StatusOK, "")
}

func (c *Console) renderLicenses(w http.ResponseWriter, r *http.Request, s *session, status int, msg string) {
	ls, err := c.store.Licenses(r.Context())
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err)
		return
	}
	snap, err := takeSnapshot(r.Context(), c.store, c.now())
	if err != nil {
		c.fail(w, r, s, http.StatusInternalServerError, err)
		return
	}
	now := c.now()
	p := &licensesPage{Codes: snap.Customers, Error: msg}
	for _, l := range ls {
		row := licenseRow{LicenseRecord: l, ExpiresIn: l.License.Expires.Sub(now), Status: "valid"}
		switch {
		case now.Before(l.License.NotBefore):
			row.Status = "future"
		case !now.Before(l.License.Expires):
			row.Status = "expired"
		case row.ExpiresIn < expiringSoon:
			row.Status = "expiring"
		}
		p.Rows = append(p.Rows, row)
	}
	slices.SortStableFunc(p.Rows, func(a, b licenseRow) int { return a.License.Expires.Compare(b.License.Expires) })
	c.render(w, r, s, status, "licenses", p)
}

func (c *Console) importLicense(w http.ResponseWriter, r *http.Request, s *session) {
	data := []byte(r.PostFormValue("text"))
	if f, _, err := r.FormFile("file"); err == nil {
		data, err = io.ReadAll(io.LimitReader(f, maxForm))
		f.Close()
		if err != nil {
			c.renderLicenses(w, r, s, http.StatusBadRequest, err.Error())
			return
		}
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		c.renderLicenses(w, r, s, http.StatusBadRequest, "choose a license file, or paste one")
		return
	}
	l, signed, err := wire.ParseLicense(data, c.vendors)
	var outcome lts.ImportOutcome
	if err == nil {
		outcome, err = c.store.ImportLicense(r.Context(), l, signed, c.now())
	}
	if code := r.PostFormValue("code"); err == nil && code != "" {
		err = c.store.AddLicenses(r.Context(), code, []string{l.ID})
	}
	if err != nil {
		status := statusOf(err)
		if status >= 500 {
			c.fail(w, r, s, status, err)
			return
		}
		c.renderLicenses(w, r, s, status, "The license was not imported: "+err.Error())
		return
	}
	c.log.Info("console: license imported", "license", l.ID, "outcome", outcome.String(), "account", s.account.Name)
	http.Redirect(w, r, withDone(Prefix+"licenses", outcome.String()), http.StatusSeeOther)
}
