package console

import (
	"cmp"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
)

// palette colours a chart's series, the last one "Other": distinct to the
// colour-blind (after Okabe and Ito), each with 3:1 contrast on white.
var palette = [...]string{"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#b8860b", "#56b4e9", "#6b7280"}

// maxSeries is how many series a chart stacks before it adds the rest up
// as "Other".
const maxSeries = len(palette) - 1

// otherSeries names the sum of the series a chart leaves out.
const otherSeries = "Other"

// series is one stacked part of every bar.
type series struct {
	Name   string
	Color  string
	Total  uint64
	Values []uint64 // per period
}

// maxTableRows is how many series a chart's table lists; the rest are one
// row (the CSV export has them all).
const maxTableRows = 200

// chart is a stacked bar chart: one bar per period.
type chart struct {
	Periods []string // "2026-11-02" or "2026-11"
	Labels  []string // what the axis says under each bar
	Series  []series // at most maxSeries+1, largest first, Other last
	All     []series // the largest maxTableRows series, for the tables
	// Rest adds up the series All leaves out (none when its Name is
	// empty): Name says how many.
	Rest  series
	total uint64
}

// newChart builds a chart of counts[series][period index].
func newChart(periods, labels []string, counts map[string][]uint64) *chart {
	totals := make(map[string]uint64, len(counts))
	sums := make([]uint64, len(periods))
	for name, vals := range counts {
		for i, v := range vals {
			totals[name] = AddCount(totals[name], v)
			sums[i] = AddCount(sums[i], v)
		}
	}
	return chartOf(periods, labels, totals, counts, sums)
}

// chartOf builds a chart from every series' total, the values of the
// largest maxSeries series at least (of all, when there are no more than
// maxSeries+1), and the periods' totals: "Other" is what the largest leave
// of each period. So a chart of ten thousand devices needs the rows of
// six.
func chartOf(periods, labels []string, totals map[string]uint64, values map[string][]uint64, periodTotals []uint64) *chart {
	ch := &chart{Periods: periods, Labels: labels}
	all := make([]series, 0, len(totals))
	for name, t := range totals {
		all = append(all, series{Name: name, Total: t})
		ch.total = AddCount(ch.total, t)
	}
	largestFirst(all, maxTableRows, func(a, b series) int { return cmp.Or(cmp.Compare(b.Total, a.Total), cmp.Compare(a.Name, b.Name)) })
	valuesOf := func(name string) []uint64 {
		if v := values[name]; v != nil {
			return v
		}
		return make([]uint64, len(periods))
	}
	shown := len(all)
	if shown > maxSeries+1 {
		shown = maxSeries
	}
	for i := range all[:shown] {
		all[i].Color, all[i].Values = palette[min(i, len(palette)-1)], valuesOf(all[i].Name)
		ch.Series = append(ch.Series, all[i])
	}
	if shown < len(all) {
		other := series{Name: otherSeries, Color: palette[len(palette)-1], Values: slices.Clone(periodTotals)}
		for _, s := range ch.Series {
			for j, v := range s.Values {
				other.Values[j] -= min(v, other.Values[j])
			}
		}
		for _, v := range other.Values {
			other.Total = AddCount(other.Total, v)
		}
		ch.Series = append(ch.Series, other)
	}
	ch.All = all[:min(len(all), maxTableRows)]
	if rest := all[len(ch.All):]; len(rest) > 0 {
		ch.Rest.Name = fmt.Sprintf("%d more", len(rest))
		for _, s := range rest {
			ch.Rest.Total = AddCount(ch.Rest.Total, s.Total)
		}
	}
	return ch
}

// largestFirst puts the first n of xs in the order of before (a total
// order) at the front of xs, in that order, and the rest after them in no
// set order: a chart of ten thousand devices sorts the rows it lists, not
// every device. It keeps the n first in a heap whose root is the last of
// them.
func largestFirst[T any](xs []T, n int, before func(a, b T) int) {
	if n >= len(xs) {
		slices.SortFunc(xs, before)
		return
	}
	if n <= 0 {
		return
	}
	h := xs[:n]
	down := func(i int) {
		for {
			last := i
			for _, c := range []int{2*i + 1, 2*i + 2} {
				if c < n && before(h[c], h[last]) > 0 {
					last = c
				}
			}
			if last == i {
				return
			}
			h[i], h[last] = h[last], h[i]
			i = last
		}
	}
	for i := n/2 - 1; i >= 0; i-- {
		down(i)
	}
	for i := n; i < len(xs); i++ {
		if before(xs[i], h[0]) < 0 {
			xs[i], h[0] = h[0], xs[i]
			down(0)
		}
	}
	slices.SortFunc(h, before)
}

// AddCount adds counts, saturating.
func AddCount(a, b uint64) uint64 {
	if a+b < a {
		return math.MaxUint64
	}
	return a + b
}

// Total is the sum of every series.
func (ch *chart) Total() uint64 { return ch.total }

// PeriodTotals are the bars' heights.
func (ch *chart) PeriodTotals() []uint64 {
	out := make([]uint64, len(ch.Periods))
	for _, s := range ch.Series {
		for i, v := range s.Values {
			out[i] = AddCount(out[i], v)
		}
	}
	return out
}

// Share is the percentage of the total a series has.
func (ch *chart) Share(s series) float64 {
	if t := ch.Total(); t > 0 {
		return 100 * float64(s.Total) / float64(t)
	}
	return 0
}

// niceStep returns a step of 1, 2 or 5 times a power of ten that divides
// max into at most about four parts.
func niceStep(max uint64) uint64 {
	if max <= 4 {
		return 1
	}
	raw := float64(max) / 4
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*pow >= raw {
			return uint64(m * pow)
		}
	}
	return uint64(10 * pow)
}

// shortCount writes an axis label: 1200 as "1.2k".
func shortCount(n uint64) string {
	switch {
	case n >= 1e9:
		return strconv.FormatFloat(float64(n)/1e9, 'f', -1, 64) + "G"
	case n >= 1e6:
		return strconv.FormatFloat(float64(n)/1e6, 'f', -1, 64) + "M"
	case n >= 1e3:
		return strconv.FormatFloat(float64(n)/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatUint(n, 10)
}

// Chart geometry, in the SVG's own units: it scales to the page's width.
const (
	chartW, chartH           = 640, 240
	padL, padR, padT, padB   = 44, 8, 10, 26
	plotW, plotH             = chartW - padL - padR, chartH - padT - padB
	maxAxisLabels            = 12
	chartFont                = 12
	chartTitleID, chartDesID = "chart-title", "chart-desc"
)

// SVG renders the chart. Each bar segment carries its period, series and
// count as data attributes and as a tooltip.
func (ch *chart) SVG(title string) template.HTML {
	var b strings.Builder
	esc := template.HTMLEscapeString
	totals := ch.PeriodTotals()
	var top uint64
	for _, t := range totals {
		top = max(top, t)
	}
	step := niceStep(top)
	axisMax := max(step, (top+step-1)/step*step)
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s %s" preserveAspectRatio="xMidYMid meet">`, chartW, chartH, chartTitleID, chartDesID)
	fmt.Fprintf(&b, `<title id="%s">%s</title><desc id="%s">%s scans in all; the table below has every number.</desc>`,
		chartTitleID, esc(title), chartDesID, formatCount(ch.Total()))
	y := func(v uint64) float64 { return padT + plotH - float64(plotH)*float64(v)/float64(axisMax) }
	for v := uint64(0); v <= axisMax; v += step {
		fmt.Fprintf(&b, `<line class="grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, padL, chartW-padR, y(v), y(v))
		fmt.Fprintf(&b, `<text class="axis" x="%d" y="%.1f" text-anchor="end" font-size="%d">%s</text>`, padL-6, y(v)+4, chartFont, shortCount(v))
		if v > math.MaxUint64-step {
			break
		}
	}
	n := len(ch.Periods)
	if n == 0 {
		b.WriteString(`</svg>`)
		return template.HTML(b.String())
	}
	slot := float64(plotW) / float64(n)
	barW := max(slot*0.7, 1)
	every := (n + maxAxisLabels - 1) / maxAxisLabels
	for i, p := range ch.Periods {
		x := padL + slot*float64(i) + (slot-barW)/2
		base := uint64(0)
		for _, s := range ch.Series {
			v := s.Values[i]
			if v == 0 {
				continue
			}
			y0, y1 := y(base), y(base+v)
			fmt.Fprintf(&b, `<rect class="seg" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" data-period="%s" data-series="%s" data-count="%d"><title>%s, %s: %s scans</title></rect>`,
				x, y1, barW, max(y0-y1, 0.5), s.Color, esc(p), esc(s.Name), v, esc(s.Name), esc(p), formatCount(v))
			base += v
		}
		if i%every == 0 {
			fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%d" text-anchor="middle" font-size="%d">%s</text>`, x+barW/2, chartH-8, chartFont, esc(ch.Labels[i]))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
