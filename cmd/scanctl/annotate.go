package main

import (
	"fmt"
	"image/png"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/scannerd/scannerd/debugexport"
	"github.com/scannerd/scannerd/internal/cli"
)

func (m *Main) annotateCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "annotate [-o OUT.png] FILE.png",
		Short: "Draw what was read onto an exported frame",
		Long: `Draws what the engine found in an exported frame (from FILE.json, the
sidecar beside it): each barcode's outline with its first corner marked, and
its symbology and text.`,
		Args: cobra.ExactArgs(1),
	}
	out := cmd.Flags().StringP("output", "o", "", "write the annotated image to `FILE` (default: NAME.annotated.png beside the input)")
	asJSON := cli.AddJSONFlag(cmd)
	cmd.ValidArgsFunction = cobra.FixedCompletions([]string{"png"}, cobra.ShellCompDirectiveFilterFileExt)
	cmd.RunE = func(_ *cobra.Command, args []string) error {
		if !strings.HasSuffix(args[0], ".png") {
			return cli.Usagef("%s: want an exported .png frame", args[0])
		}
		return cli.Exit(m.annotate(args[0], *out, *asJSON))
	}
	return cmd
}

// annotate draws a debug export's sidecar onto its image: the outline of
// every barcode read, its symbology and text, for a developer to look at.
func (m *Main) annotate(in, out string, asJSON bool) int {
	sc, err := debugexport.ReadSidecar(strings.TrimSuffix(in, ".png") + ".json")
	if err != nil {
		fmt.Fprintf(m.Stderr, "scanctl debug annotate: %s\n", oneLine(err.Error()))
		return exitFailure
	}
	fh, err := os.Open(in)
	if err != nil {
		fmt.Fprintf(m.Stderr, "scanctl debug annotate: %s\n", oneLine(err.Error()))
		return exitFailure
	}
	img, err := png.Decode(fh)
	fh.Close()
	if err != nil {
		fmt.Fprintf(m.Stderr, "scanctl debug annotate: %s: %s\n", oneLine(in), oneLine(err.Error()))
		return exitFailure
	}
	if b := img.Bounds(); b.Dx() != sc.Width || b.Dy() != sc.Height {
		fmt.Fprintf(m.Stderr, "scanctl debug annotate: %s is %d×%d, its sidecar says %d×%d\n", oneLine(in), b.Dx(), b.Dy(), sc.Width, sc.Height)
		return exitFailure
	}
	if out == "" {
		out = strings.TrimSuffix(in, ".png") + ".annotated.png"
	}
	dst, err := os.Create(out)
	if err != nil {
		fmt.Fprintf(m.Stderr, "scanctl debug annotate: %s\n", oneLine(err.Error()))
		return exitFailure
	}
	if err := png.Encode(dst, debugexport.Annotate(img, sc)); err != nil {
		dst.Close()
		fmt.Fprintf(m.Stderr, "scanctl debug annotate: %s\n", oneLine(err.Error()))
		return exitFailure
	}
	if err := dst.Close(); err != nil {
		fmt.Fprintf(m.Stderr, "scanctl debug annotate: %s\n", oneLine(err.Error()))
		return exitFailure
	}
	if asJSON {
		cli.PrintJSON(m.Stdout, map[string]any{"output": out, "barcodes": len(sc.Results)})
		return exitOK
	}
	fmt.Fprintf(m.Stdout, "%s: %d barcodes drawn\n", oneLine(out), len(sc.Results))
	return exitOK
}
