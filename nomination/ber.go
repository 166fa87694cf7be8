package nomination

import "errors"

// maxBERDepth bounds the nesting of an upload's ASN.1 structure; a CMS
// signature with its certificates nests about a dozen levels.
const maxBERDepth = 64

var errBER = errors.New("malformed BER")

// checkBER walks the first BER object of b and checks that every object
// lies within its parent and that indefinite-length ones are terminated.
// The PKCS#7 library's BER-to-DER conversion does not check this: a child
// running past its parent makes it parse the same bytes again at each
// level, exponentially (found by FuzzVerify: a few kilobytes kept a CPU
// busy for minutes). Checked first, its work stays linear.
func checkBER(b []byte) error {
	_, err := berObject(b, 0, len(b), 0)
	return err
}

// berObject checks the object at off, which must end by limit, and returns
// where it ends.
func berObject(b []byte, off, limit, depth int) (int, error) {
	if depth > maxBERDepth || off+2 > limit {
		return 0, errBER
	}
	constructed := b[off]&0x20 != 0
	if b[off]&0x1f == 0x1f { // high tag number: base-128 continuation bytes
		off++
		for off < limit && b[off] >= 0x80 {
			off++
		}
	}
	off++
	if off >= limit {
		return 0, errBER
	}
	l := int(b[off])
	off++
	if l == 0x80 {
		// Indefinite length: children up to the end-of-contents octets;
		// at least one child, as the library reads one before looking.
		if !constructed || off+2 <= limit && b[off] == 0 && b[off+1] == 0 {
			return 0, errBER
		}
		for {
			if off+2 > limit {
				return 0, errBER
			}
			if b[off] == 0 && b[off+1] == 0 {
				return off + 2, nil
			}
			end, err := berObject(b, off, limit, depth+1)
			if err != nil {
				return 0, err
			}
			off = end
		}
	}
	length := l
	if l > 0x80 {
		n := l & 0x7f
		if n > 4 || off+n > limit || b[off] == 0 || n == 4 && b[off] > 0x7f {
			return 0, errBER
		}
		length = 0
		for range n {
			length = length<<8 | int(b[off])
			off++
		}
	}
	end := off + length
	if end > limit {
		return 0, errBER
	}
	if constructed {
		for off < end {
			next, err := berObject(b, off, end, depth+1)
			if err != nil {
				return 0, err
			}
			off = next
		}
	}
	return end, nil
}
