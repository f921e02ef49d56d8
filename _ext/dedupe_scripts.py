"""Each inline script once per page (Sphinx 7.4 adds a body-only script registered after
Builder.init() twice: sphinx-doc/sphinx PR 13402, fixed in Sphinx 8.2, which jupyter-book 1 can't use)."""


def _dedupe(app, pagename, templatename, context, doctree):
    seen, kept = set(), []
    for js in context.get("script_files", []):
        key = (js.filename or "", js.priority, tuple(sorted(js.attributes.items())))
        if key not in seen:
            seen.add(key)
            kept.append(js)
    context["script_files"][:] = kept


def setup(app):
    app.connect("html-page-context", _dedupe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
