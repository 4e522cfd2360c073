package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/store"
)

const (
	sessionCookie = "prep_session"
	userKey       = "user" // context key of the signed-in store.User
)

// identify works out who is asking: the local user when no account exists (offline,
// single-user mode), the session's user when signed in, nobody otherwise.
func (s *Server) identify(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if p := c.Request().URL.Path; s.store == nil || p == "/healthz" || strings.HasPrefix(p, "/static/") {
			return next(c) // nothing there depends on who asks
		}
		ctx := c.Request().Context()
		if isBearer, err := s.identifyBearer(c); isBearer {
			if err != nil {
				return err
			}
			return next(c)
		}
		// A valid session exists only where accounts do: it answers both questions.
		if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
			u, err := s.sessionUser(c, ck.Value)
			if err == nil {
				c.Set("signInMode", true)
				c.Set(userKey, u)
				return next(c)
			}
			if prep.KindOf(err) != prep.Unauthorized {
				return err
			}
		}
		signIn, err := s.store.SignInRequired(ctx)
		if err != nil {
			return err
		}
		c.Set("signInMode", signIn)
		if !signIn {
			u, err := s.store.User(ctx, store.LocalUserID)
			if err != nil {
				return err
			}
			c.Set(userKey, u)
		}
		return next(c)
	}
}

// sessionUser returns the user of the session token: from the cache when the request
// only reads, from the store otherwise (a change is checked against the session itself).
func (s *Server) sessionUser(c echo.Context, token string) (store.User, error) {
	if !readsOnly(c) {
		return s.store.SessionUser(c.Request().Context(), token)
	}
	u, ok, gen := s.cache.session(token)
	if ok {
		return u, nil
	}
	u, err := s.store.SessionUser(c.Request().Context(), token)
	if err == nil {
		s.cache.putSession(token, u, gen)
	}
	return u, err
}

// currentUser returns the user making the request, if any.
func currentUser(c echo.Context) (store.User, bool) {
	u, ok := c.Get(userKey).(store.User)
	return u, ok
}

// needUser guards routes that read or change progress: pages send the visitor to sign
// in and come back; the API answers 401.
func (s *Server) needUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.store == nil {
			return prep.Errorf(prep.Unavailable, "progress", "this server keeps no progress (it was started without a database)")
		}
		if _, ok := currentUser(c); ok {
			return next(c)
		}
		if wantsJSON(c) {
			return prep.Errorf(prep.Unauthorized, "progress", "sign in first (POST /login with name and password)")
		}
		return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
	}
}

func (s *Server) loginPage(c echo.Context) error {
	return s.ok(c, "login", map[string]any{"Title": "Sign in", "Next": safeNext(c.QueryParam("next"))})
}

func (s *Server) login(c echo.Context) error {
	if s.store == nil {
		return prep.Errorf(prep.Unavailable, "login", "this server has no accounts")
	}
	var in struct {
		Name     string `json:"name" form:"name"`
		Password string `json:"password" form:"password"`
		Next     string `json:"-" form:"next"`
	}
	if err := c.Bind(&in); err != nil {
		return prep.Errorf(prep.Invalid, "login", "send name and password as a form or as JSON {\"name\":…,\"password\":…}")
	}
	name, next := strings.TrimSpace(in.Name), safeNext(in.Next)
	u, err := s.checkSignin(c, name, in.Password)
	if err != nil {
		if prep.KindOf(err) == prep.Unauthorized && !wantsJSON(c) {
			return s.render(c, http.StatusUnauthorized, "login", map[string]any{"Title": "Sign in", "Next": next, "Name": name, "Error": prep.Message(err)})
		}
		return err
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	if wantsJSON(c) {
		return c.JSON(http.StatusOK, map[string]any{"user": u.Name})
	}
	return c.Redirect(http.StatusSeeOther, next)
}

func (s *Server) startSession(c echo.Context, u store.User) error {
	token, err := s.store.CreateSession(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secure(c), MaxAge: int(store.SessionTTL / time.Second)})
	return nil
}

func (s *Server) clearSession(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(c), MaxAge: -1})
}

func (s *Server) logout(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil && s.store != nil {
		if err := s.store.DeleteSession(c.Request().Context(), ck.Value); err != nil {
			return err
		}
		s.cache.dropSession(ck.Value)
	}
	s.clearSession(c)
	return c.Redirect(http.StatusSeeOther, "/")
}

func (s *Server) logoutEverywhere(c echo.Context) error {
	u, ok := currentUser(c)
	if !ok || s.store == nil {
		return prep.Errorf(prep.Unauthorized, "logout", "you are not signed in")
	}
	if err := s.store.DeleteUserSessions(c.Request().Context(), u.ID); err != nil {
		return err
	}
	s.cache.dropUserSessions(u.ID)
	s.clearSession(c)
	return c.Redirect(http.StatusSeeOther, "/login")
}

func (s *Server) accountPage(c echo.Context) error {
	u, _ := currentUser(c)
	return s.ok(c, "account", map[string]any{"Title": "Account", "User": u})
}

// createAccount turns the offline local user into the first account, keeping its
// progress; from then on the server asks everyone to sign in. Further accounts are
// added with "prep user add".
func (s *Server) createAccount(c echo.Context) error {
	u, _ := currentUser(c)
	if u.HasPassword {
		return prep.Errorf(prep.Conflict, "account", "accounts exist already; an administrator adds more with \"prep user add NAME\"")
	}
	nu, err := s.store.AddUser(c.Request().Context(), strings.TrimSpace(c.FormValue("name")), c.FormValue("password"))
	if err != nil {
		if prep.KindOf(err) == prep.Invalid || prep.KindOf(err) == prep.Conflict {
			return s.render(c, http.StatusBadRequest, "account", map[string]any{"Title": "Account", "User": u, "Error": prep.Message(err), "Name": c.FormValue("name")})
		}
		return err
	}
	if err := s.startSession(c, nu); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account")
}

// retryError is an error that tells the client when to come back.
type retryError struct {
	err     error
	seconds int
}

func (e *retryError) Error() string { return e.err.Error() }
func (e *retryError) Unwrap() error { return e.err }

// RetryAfter is the Retry-After header value, in seconds.
func (e *retryError) RetryAfter() int { return e.seconds }
