package postal

// POSTNET and PLANET (USPS): tall and short bars on a common baseline,
// a tall frame bar at each end, and between them five bars a digit, with
// weights 7, 4, 2, 1, 0 (0 is 7+4). A POSTNET digit has two tall bars, a
// PLANET digit three (its short bars weigh). The last digit makes the
// digits' sum a multiple of ten. POSTNET carries 5, 9 or 11 digits,
// PLANET 11 or 13; the text is those digits, the check digit left off.

var digitWeights = [5]int{7, 4, 2, 1, 0}

// readPostnet decodes tall (true) and short bars as POSTNET, or as PLANET.
func readPostnet(tall []bool, planet bool) (string, bool) {
	n := len(tall)
	if n < 2 || !tall[0] || !tall[n-1] || (n-2)%5 != 0 {
		return "", false
	}
	digits := (n - 2) / 5
	switch {
	case !planet && digits != 6 && digits != 10 && digits != 12:
		return "", false
	case planet && digits != 12 && digits != 14:
		return "", false
	}
	out := make([]byte, 0, digits)
	sum := 0
	for d := 0; d < digits; d++ {
		v, count := 0, 0
		for k := 0; k < 5; k++ {
			// The bars that weigh: POSTNET's tall ones, PLANET's short.
			if tall[1+5*d+k] != planet {
				v += digitWeights[k]
				count++
			}
		}
		if count != 2 || v > 11 || v == 10 {
			return "", false
		}
		if v == 11 {
			v = 0
		}
		sum += v
		out = append(out, byte('0'+v))
	}
	if sum%10 != 0 {
		return "", false
	}
	return string(out[:digits-1]), true
}
