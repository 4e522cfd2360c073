package content

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"strings"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Highlighting styles: one for light pages and one for prefers-color-scheme: dark.
const (
	lightStyle = "github"
	darkStyle  = "github-dark"
)

// markdown is the one goldmark instance: GFM, heading anchors, chroma highlighting with
// CSS classes (the stylesheet is HighlightCSS), and raw HTML shown as text.
var markdown = goldmark.New(
	goldmark.WithExtensions(
		// GFM, with table alignment as attributes: the pages' CSP forbids inline styles.
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
		extension.Strikethrough, extension.Linkify, extension.TaskList,
		highlighting.NewHighlighting(
			highlighting.WithStyle(lightStyle),
			highlighting.WithFormatOptions(chromahtml.WithClasses(true)),
		),
	),
	goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(escapedHTML{}, 1))),
)

// escapedHTML renders raw HTML in markdown as visible text instead of omitting it, so an
// author sees what they wrote and no card can inject markup into a page.
type escapedHTML struct{}

func (escapedHTML) RegisterFuncs(r renderer.NodeRendererFuncRegisterer) {
	r.Register(ast.KindHTMLBlock, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			b := n.(*ast.HTMLBlock)
			_, _ = w.WriteString("<p>")
			for i := 0; i < b.Lines().Len(); i++ {
				seg := b.Lines().At(i)
				_, _ = w.WriteString(html.EscapeString(string(seg.Value(src))))
			}
			if b.HasClosure() {
				_, _ = w.WriteString(html.EscapeString(string(b.ClosureLine.Value(src))))
			}
			_, _ = w.WriteString("</p>\n")
		}
		return ast.WalkContinue, nil
	})
	r.Register(ast.KindRawHTML, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			segs := n.(*ast.RawHTML).Segments
			for i := 0; i < segs.Len(); i++ {
				s := segs.At(i)
				_, _ = w.WriteString(html.EscapeString(string(s.Value(src))))
			}
		}
		return ast.WalkSkipChildren, nil
	})
}

// Render renders a markdown fragment to HTML with the card renderer. It is what cards
// use and what other packages use for markdown of their own (lab statements).
func Render(src []byte) (template.HTML, error) {
	var b bytes.Buffer
	if err := markdown.Convert(src, &b); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

// parseMarkdown parses src into an AST.
func parseMarkdown(src []byte) ast.Node {
	return markdown.Parser().Parse(text.NewReader(src))
}

// renderNode renders n (any node of a tree parsed from src) to HTML.
func renderNode(n ast.Node, src []byte) (template.HTML, error) {
	var b bytes.Buffer
	if err := markdown.Renderer().Render(&b, src, n); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

// plainText returns the text of n without markup: for search and snippets.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if n.Type() == ast.TypeBlock && b.Len() > 0 {
				b.WriteByte('\n')
			}
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			b.Write(n.Segment.Value(src))
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(n.Value)
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				s := lines.At(i)
				b.Write(s.Value(src))
			}
			return ast.WalkSkipChildren, nil
		case *ast.CodeSpan:
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					b.Write(t.Segment.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// HighlightCSS returns the stylesheet for highlighted code: the light style, and the dark
// one under prefers-color-scheme: dark. Each applies only in its own scheme: the dark
// style leaves out the tokens it draws in its plain text colour, so light rules left in
// force there drew dark text on the dark background.
func HighlightCSS() string {
	f := chromahtml.New(chromahtml.WithClasses(true))
	var light, dark bytes.Buffer
	if err := f.WriteCSS(&light, styles.Get(lightStyle)); err != nil {
		panic(fmt.Sprintf("content: highlight css: %v", err)) // a bundled style cannot fail
	}
	if err := f.WriteCSS(&dark, styles.Get(darkStyle)); err != nil {
		panic(fmt.Sprintf("content: highlight css: %v", err))
	}
	return "@media not (prefers-color-scheme: dark) {\n" + light.String() + "}\n@media (prefers-color-scheme: dark) {\n" + dark.String() + "}\n"
}
