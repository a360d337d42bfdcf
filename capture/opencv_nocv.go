//go:build nocv

package capture

func newOpenCVSource(spec Spec, t Target, env Env) (Source, error) {
	return nil, ErrNoOpenCV
}
