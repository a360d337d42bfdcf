// Command example prints the barcodes scannerd reads, as a kiosk
// application written in Go would receive them: it subscribes to the
// daemon's event stream with the api/client package and prints one line
// per barcode, "SYMBOLOGY<TAB>text".
//
//	go run ./examples/go [--socket PATH] [--count N] [--symbology QR_CODE]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/scannerd/scannerd/api/client"
)

func main() {
	socket := flag.String("socket", os.Getenv("SCANNERD_SOCKET"), "daemon socket (default $SCANNERD_SOCKET or "+client.DefaultSocket+")")
	count := flag.Int("count", 0, "exit after N barcodes (0: until interrupted)")
	symbology := flag.String("symbology", "", "only these symbologies, comma-separated")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	c := client.New(*socket)
	defer c.Close()

	var opts client.EventsOptions
	if *symbology != "" {
		opts.Symbologies = strings.Split(*symbology, ",")
	}
	seen := 0
	// Events reconnects by itself when the daemon restarts and resumes
	// where it left off; err is set only when ctx ends or the daemon
	// refuses the request (a misspelt symbology or source).
	for ev, err := range c.Events(ctx, opts) {
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			fmt.Fprintln(os.Stderr, "example:", err)
			os.Exit(1)
		}
		switch ev.Kind {
		case client.EventResult:
			fmt.Printf("%s\t%s\n", ev.Result.Symbology, ev.Result.Text)
			if seen++; *count > 0 && seen == *count {
				return
			}
		case client.EventDropped:
			fmt.Fprintf(os.Stderr, "example: %d barcodes missed (%s)\n", ev.Dropped, ev.Reason)
		case client.EventReconnecting:
			fmt.Fprintf(os.Stderr, "example: reconnecting: %v\n", ev.Err)
		}
	}
}
