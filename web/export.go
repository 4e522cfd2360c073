package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"prep"
	"prep/store"
)

// Limits of progress imports. A progress file holds one line per review, so even
// years of daily study stay far below maxImportSize; the form's own fields get a
// little room on top.
const (
	maxImportSize = 32 << 20
	maxImportBody = maxImportSize + 64<<10
)

// errImportTooLarge is what an oversized import is told.
var errImportTooLarge = prep.Errorf(prep.Invalid, "import", "the progress file is larger than %d MiB, the most an import accepts", maxImportSize>>20)

// bodyLimit caps request bodies at maxBodySize, except POST /import, which may carry a
// progress file of up to maxImportSize and gets timeouts.importRead to send it. It must
// run before the CSRF middleware, which reads form bodies to find the token.
func (s *Server) bodyLimit() echo.MiddlewareFunc {
	general := middleware.BodyLimit(maxBodySize)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		limited := general(next)
		return func(c echo.Context) error {
			req := c.Request()
			if req.Method != http.MethodPost || req.URL.Path != "/import" {
				return limited(c)
			}
			if req.ContentLength > maxImportBody {
				return errImportTooLarge
			}
			req.Body = http.MaxBytesReader(c.Response(), req.Body, maxImportBody)
			s.extendDeadlines(c, s.timeouts.importRead)
			return next(c)
		}
	}
}

// attachment sets the headers of a download named name.
func attachment(c echo.Context, contentType, name string) {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, contentType)
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
}

// streamDownload runs write against the response. Until the first byte goes out an
// error can still become a proper error page, so the download headers are taken back.
func streamDownload(c echo.Context, write func(io.Writer) error) error {
	err := write(c.Response())
	if err != nil && !c.Response().Committed {
		h := c.Response().Header()
		h.Del(echo.HeaderContentDisposition)
		h.Del(echo.HeaderContentType)
		h.Del("Cache-Control")
	}
	return err
}

// exportDate is today's date in the user's zone, for file names.
func (s *Server) exportDate(c echo.Context) (string, error) {
	u, _ := currentUser(c)
	st, err := s.store.Settings(c.Request().Context(), u.ID)
	if err != nil {
		return "", err
	}
	return s.now().In(st.Location()).Format("2006-01-02"), nil
}

func (s *Server) exportJSON(c echo.Context) error {
	u, _ := currentUser(c)
	date, err := s.exportDate(c)
	if err != nil {
		return err
	}
	attachment(c, echo.MIMEApplicationJSONCharsetUTF8, "prep-progress-"+date+".json")
	return streamDownload(c, func(w io.Writer) error { return s.store.Export(c.Request().Context(), u.ID, w) })
}

func (s *Server) exportCSV(c echo.Context) error {
	u, _ := currentUser(c)
	date, err := s.exportDate(c)
	if err != nil {
		return err
	}
	attachment(c, "text/csv; charset=utf-8", "prep-reviews-"+date+".csv")
	return streamDownload(c, func(w io.Writer) error { return s.store.ExportCSV(c.Request().Context(), u.ID, w) })
}

// importProgress loads a progress file into the user's account, from a form's file
// field "file" or from a JSON body. Forms go on to the stats page; the API gets
// {"imported":true}.
func (s *Server) importProgress(c echo.Context) error {
	u, _ := currentUser(c)
	req := c.Request()
	isJSON := strings.HasPrefix(req.Header.Get(echo.HeaderContentType), echo.MIMEApplicationJSON)
	var r io.Reader
	if isJSON {
		r = req.Body
	} else {
		fh, err := c.FormFile("file")
		switch {
		case errors.Is(err, http.ErrMissingFile), errors.Is(err, http.ErrNotMultipart):
			return prep.Errorf(prep.Invalid, "import", "choose a progress file (the .json file export wrote) to import")
		case isTooLarge(err):
			return errImportTooLarge
		case err != nil:
			return prep.Errorf(prep.Invalid, "import", "the upload could not be read: %v", err)
		case fh.Size > maxImportSize:
			return errImportTooLarge
		}
		f, err := fh.Open()
		if err != nil {
			return prep.Wrap("import", err)
		}
		defer f.Close()
		r = f
	}
	// The file is read to its end by Import; past the cap, the reader fails and the
	// error says why, whatever Import made of the cut-off JSON.
	cr := &cappedReader{r: r, left: maxImportSize}
	p, err := store.ReadProgress(cr)
	if err != nil {
		if cr.over || isTooLarge(err) {
			return errImportTooLarge
		}
		return err
	}
	mode, err := importMode(c)
	if err != nil {
		return err
	}
	plan, err := s.store.ImportProgress(req.Context(), u.ID, p, mode)
	switch {
	case prep.KindOf(err) == prep.Conflict && !isJSON && !wantsJSON(c):
		return s.previewImport(c, u, p) // the account has progress: replace or merge?
	case prep.KindOf(err) == prep.Conflict:
		return prep.Errorf(prep.Conflict, "import", "%s: send mode=replace or mode=merge (as a query parameter)", prep.Message(err))
	case err != nil:
		return err
	}
	if isJSON || wantsJSON(c) {
		return c.JSON(http.StatusOK, map[string]any{"imported": true, "plan": plan})
	}
	return c.Redirect(http.StatusSeeOther, "/stats")
}

// isTooLarge reports whether err comes from a body limit.
func isTooLarge(err error) bool {
	var mb *http.MaxBytesError
	var he *echo.HTTPError
	return errors.As(err, &mb) || errors.Is(err, multipart.ErrMessageTooLarge) ||
		(errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge)
}

// cappedReader reads at most left bytes of r and records whether r had more.
type cappedReader struct {
	r    io.Reader
	left int64
	over bool
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// One byte more tells a file of exactly the cap from a longer one.
		var b [1]byte
		if n, _ := c.r.Read(b[:]); n > 0 {
			c.over = true
			return 0, errImportTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}
