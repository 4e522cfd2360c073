package web

import (
	"strings"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/store"
)

// bearerKey marks a request authenticated by a personal API token.
const bearerKey = "bearer"

// bearerToken returns the token of an "Authorization: Bearer …" header, if any.
func bearerToken(c echo.Context) (string, bool) {
	h := c.Request().Header.Get(echo.HeaderAuthorization)
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(token), true
}

// identifyBearer authenticates a request that carries a personal API token: it acts as
// the token's owner, whatever cookies it carries, and an invalid token is refused
// rather than falling back to them.
func (s *Server) identifyBearer(c echo.Context) (bool, error) {
	token, ok := bearerToken(c)
	if !ok {
		return false, nil
	}
	u, err := s.store.APITokenUser(c.Request().Context(), token)
	if err != nil {
		return true, err
	}
	c.Set("signInMode", true)
	c.Set(bearerKey, true)
	c.Set(userKey, u)
	return true, nil
}

// isStaff reports whether u may run assessments.
func isStaff(u store.User) bool { return u.Role == store.RoleAdmin || u.Role == store.RoleInterviewer }

// needRole guards interviewer and admin routes. They exist only in sign-in mode: in
// offline mode they answer 404, as on a server without them. A visitor not signed in
// is sent to sign in (pages) or told to (API); a signed-in account without the role
// gets 403.
func (s *Server) needRole(ok func(store.User) bool, what string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		guarded := func(c echo.Context) error {
			u, _ := currentUser(c)
			if !ok(u) {
				return prep.Errorf(prep.Forbidden, "role", "%s; an admin can change your role (prep user role NAME ROLE)", what)
			}
			return next(c)
		}
		return func(c echo.Context) error {
			if s.store == nil {
				return echo.ErrNotFound
			}
			if signIn, _ := c.Get("signInMode").(bool); !signIn {
				return echo.ErrNotFound
			}
			return s.needUser(guarded)(c)
		}
	}
}

// needStaff and needAdmin are needRole for interviewers (and admins) and admins.
func (s *Server) needStaff() echo.MiddlewareFunc {
	return s.needRole(isStaff, "assessments are for interviewers and admins")
}

func (s *Server) needAdmin() echo.MiddlewareFunc {
	return s.needRole(func(u store.User) bool { return u.Role == store.RoleAdmin }, "this page is for admins")
}
