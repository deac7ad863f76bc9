package install

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
)

// themeSizes are the hicolor theme's usual fixed sizes.
var themeSizes = []int{16, 24, 32, 48, 64, 128, 256, 512}

// sizedIcon is one PNG rendition of the icon.
type sizedIcon struct {
	size int
	png  []byte
}

// themeIcons renders src (a square PNG) at every theme size up to its own,
// so menus and docks never scale a huge icon down themselves.
func themeIcons(src []byte) ([]sizedIcon, error) {
	return iconSizes(src, themeSizes)
}

// icoFile returns a Windows .ico holding PNG renditions (Vista and later read
// PNG frames), the largest 256 px, which is the format's maximum.
func icoFile(src []byte) ([]byte, error) {
	icons, err := iconSizes(src, []int{16, 32, 48, 256})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	le := binary.LittleEndian
	b.Write(le.AppendUint16(nil, 0)) // reserved
	b.Write(le.AppendUint16(nil, 1)) // type: icon
	b.Write(le.AppendUint16(nil, uint16(len(icons))))
	offset := 6 + 16*len(icons)
	for _, ic := range icons {
		dim := byte(ic.size)
		if ic.size >= 256 {
			dim = 0 // 0 means 256
		}
		b.Write([]byte{dim, dim, 0, 0})
		b.Write(le.AppendUint16(nil, 1))  // colour planes
		b.Write(le.AppendUint16(nil, 32)) // bits per pixel
		b.Write(le.AppendUint32(nil, uint32(len(ic.png))))
		b.Write(le.AppendUint32(nil, uint32(offset)))
		offset += len(ic.png)
	}
	for _, ic := range icons {
		b.Write(ic.png)
	}
	return b.Bytes(), nil
}

// icnsFile returns a macOS .icns holding PNG renditions.
func icnsFile(src []byte) ([]byte, error) {
	types := map[int]string{16: "icp4", 32: "icp5", 64: "icp6", 128: "ic07", 256: "ic08", 512: "ic09", 1024: "ic10"}
	icons, err := iconSizes(src, []int{16, 32, 64, 128, 256, 512, 1024})
	if err != nil {
		return nil, err
	}
	var body bytes.Buffer
	be := binary.BigEndian
	for _, ic := range icons {
		body.WriteString(types[ic.size])
		body.Write(be.AppendUint32(nil, uint32(8+len(ic.png))))
		body.Write(ic.png)
	}
	out := []byte("icns")
	out = be.AppendUint32(out, uint32(8+body.Len()))
	return append(out, body.Bytes()...), nil
}

// iconSizes renders src at every size in sizes that is not larger than src.
func iconSizes(src []byte, sizes []int) ([]sizedIcon, error) {
	img, err := png.Decode(bytes.NewReader(src))
	if err != nil {
		return nil, fmt.Errorf("read the icon: %w", err)
	}
	b := img.Bounds()
	if b.Dx() != b.Dy() {
		return nil, fmt.Errorf("the icon must be square, not %d×%d", b.Dx(), b.Dy())
	}
	var out []sizedIcon
	for _, s := range sizes {
		switch {
		case s == b.Dx():
			out = append(out, sizedIcon{s, src})
		case s < b.Dx():
			var buf bytes.Buffer
			if err := png.Encode(&buf, downscale(img, s)); err != nil {
				return nil, fmt.Errorf("encode the %d px icon: %w", s, err)
			}
			out = append(out, sizedIcon{s, buf.Bytes()})
		}
	}
	if len(out) == 0 {
		return nil, errors.New("the icon is too small: give one of at least 16×16")
	}
	return out, nil
}

// downscale shrinks src to size×size by averaging the source area under each
// target pixel (a box filter), in premultiplied colour so transparent edges
// do not darken.
func downscale(img image.Image, size int) *image.RGBA {
	b := img.Bounds()
	src := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(src, src.Bounds(), img, b.Min, draw.Src) // premultiplies
	wx := boxWeights(b.Dx(), size)
	wy := boxWeights(b.Dy(), size)
	dst := image.NewRGBA(image.Rect(0, 0, size, size))
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			var sum [4]float64
			for _, vy := range wy[y] {
				for _, vx := range wx[x] {
					px := src.Pix[src.PixOffset(vx.index, vy.index):]
					w := vx.weight * vy.weight
					for c := range sum {
						sum[c] += w * float64(px[c])
					}
				}
			}
			dst.SetRGBA(x, y, color.RGBA{to8(sum[0]), to8(sum[1]), to8(sum[2]), to8(sum[3])})
		}
	}
	return dst
}

type weight struct {
	index  int
	weight float64
}

// boxWeights returns, for each of m target cells over n source cells, the
// source cells it covers and the share of each (shares sum to 1).
func boxWeights(n, m int) [][]weight {
	scale := float64(n) / float64(m)
	out := make([][]weight, m)
	for i := range out {
		lo, hi := float64(i)*scale, float64(i+1)*scale
		for j := int(lo); j < n && float64(j) < hi; j++ {
			overlap := math.Min(hi, float64(j+1)) - math.Max(lo, float64(j))
			if overlap > 0 {
				out[i] = append(out[i], weight{j, overlap / scale})
			}
		}
	}
	return out
}

func to8(v float64) uint8 {
	return uint8(math.Min(255, math.Round(v)))
}
