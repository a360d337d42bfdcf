//go:build nocv || (gocv_specific_modules && !gocv_videoio)

package capture

func newOpenCVSource(spec Spec, t Target, env Env) (Source, error) {
	return nil, ErrNoOpenCV
}
