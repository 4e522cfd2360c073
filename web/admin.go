package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/store"
)

// adminPage lists the accounts, with forms to change a role or disable an account.
func (s *Server) adminPage(c echo.Context) error {
	users, err := s.store.Users(c.Request().Context())
	if err != nil {
		return err
	}
	return s.ok(c, "admin", map[string]any{"Title": "Accounts", "Users": users, "Roles": []string{store.RoleAdmin, store.RoleInterviewer, store.RoleMember}})
}

func (s *Server) setRoleForm(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.store.SetRole(c.Request().Context(), id, c.FormValue("role")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users")
}

func (s *Server) disableForm(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	disable := c.FormValue("disabled") != "0"
	if u, _ := currentUser(c); u.ID == id && disable {
		return prep.Errorf(prep.Conflict, "admin", "you cannot disable your own account")
	}
	if err := s.store.SetDisabled(c.Request().Context(), id, disable); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users")
}
