"""monaco-config: a complete, valid Monaco editor configuration from what a product asks for.

Pure standard library and deterministic: the same input always gives the same output. Every
option name and value it emits exists in monaco-editor's type definitions (test_typings.py checks
them against the npm package's monaco.d.ts).
"""

# Every language id monaco-editor registers (basic languages, the json service, and plaintext).
LANGUAGES = frozenset("""
abap aes apex azcli bat bicep c cameligo clojure coffeescript cpp csharp csp css cypher dart dockerfile
ecl elixir flow9 freemarker2 freemarker2.tag-angle.interpolation-bracket
freemarker2.tag-angle.interpolation-dollar freemarker2.tag-auto.interpolation-bracket
freemarker2.tag-auto.interpolation-dollar freemarker2.tag-bracket.interpolation-bracket
freemarker2.tag-bracket.interpolation-dollar fsharp go graphql handlebars hcl html ini java javascript
json julia kotlin less lexon liquid lua m3 markdown mdx mips msdax mysql objective-c pascal pascaligo
perl pgsql php pla plaintext postiats powerquery powershell proto pug python qsharp r razor redis
redshift restructuredtext ruby rust sb scala scheme scss shell sol sparql sql st swift systemverilog
tcl twig typescript typespec vb verilog wgsl xml yaml
""".split())

BUILTIN_THEMES = ("vs", "vs-dark", "hc-black", "hc-light")

# Indentation and rulers each language's own style guide asks for; the rest get 4 spaces, no ruler.
LANGUAGE_DEFAULTS = {
    "python": {"tabSize": 4, "insertSpaces": True, "rulers": [79]},        # PEP 8
    "go": {"tabSize": 4, "insertSpaces": False, "rulers": []},             # gofmt: tabs
    "yaml": {"tabSize": 2, "insertSpaces": True, "rulers": []},            # YAML forbids tabs
    "json": {"tabSize": 2, "insertSpaces": True, "rulers": []},
    "javascript": {"tabSize": 2, "insertSpaces": True, "rulers": [80]},
    "typescript": {"tabSize": 2, "insertSpaces": True, "rulers": [80]},
    "html": {"tabSize": 2, "insertSpaces": True, "rulers": []},
    "css": {"tabSize": 2, "insertSpaces": True, "rulers": []},
    "scss": {"tabSize": 2, "insertSpaces": True, "rulers": []},
    "less": {"tabSize": 2, "insertSpaces": True, "rulers": []},
    "xml": {"tabSize": 2, "insertSpaces": True, "rulers": []},
    "markdown": {"tabSize": 2, "insertSpaces": True, "rulers": [80]},
    "ruby": {"tabSize": 2, "insertSpaces": True, "rulers": [80]},
    "rust": {"tabSize": 4, "insertSpaces": True, "rulers": [100]},        # rustfmt max_width
    "java": {"tabSize": 4, "insertSpaces": True, "rulers": [100]},        # Google Java style
    "kotlin": {"tabSize": 4, "insertSpaces": True, "rulers": [100]},
    "csharp": {"tabSize": 4, "insertSpaces": True, "rulers": []},
    "c": {"tabSize": 4, "insertSpaces": True, "rulers": [80]},
    "cpp": {"tabSize": 4, "insertSpaces": True, "rulers": [80]},
    "shell": {"tabSize": 2, "insertSpaces": True, "rulers": [80]},
    "dockerfile": {"tabSize": 4, "insertSpaces": True, "rulers": []},
    "sql": {"tabSize": 2, "insertSpaces": True, "rulers": []},
}
GENERIC_DEFAULTS = {"tabSize": 4, "insertSpaces": True, "rulers": []}
# Languages whose blocks are their indentation: fold by indentation, not by brackets.
INDENTATION_FOLDING = frozenset({"python", "yaml", "coffeescript", "pug", "restructuredtext"})

# requirement -> (kind, allowed): 'bool'; ('int', low, high); ('enum', values); 'str'; 'rulers'.
REQUIREMENTS = {
    "readOnly": ("bool",),
    "readOnlyMessage": ("str",),
    "minimap": ("bool",),
    "fontSize": ("int", 6, 100),
    "fontFamily": ("str",),
    "fontLigatures": ("bool",),
    "lineHeight": ("int", 0, 150),
    "wordWrap": ("wrap",),
    "wordWrapColumn": ("int", 1, 1000),
    "lineNumbers": ("enum", ("on", "off", "relative", "interval")),
    "tabSize": ("int", 1, 16),
    "insertSpaces": ("bool",),
    "detectIndentation": ("bool",),
    "trimWhitespace": ("bool",),
    "rulers": ("rulers",),
    "formatOnPaste": ("bool",),
    "formatOnType": ("bool",),
    "accessibility": ("bool",),
    "ariaLabel": ("str",),
    "folding": ("bool",),
    "renderWhitespace": ("enum", ("none", "boundary", "selection", "trailing", "all")),
    "cursorStyle": ("enum", ("line", "block", "underline", "line-thin", "block-outline", "underline-thin")),
    "cursorBlinking": ("enum", ("blink", "smooth", "phase", "expand", "solid")),
    "smoothScrolling": ("bool",),
    "scrollBeyondLastLine": ("bool",),
    "mouseWheelZoom": ("bool",),
    "contextmenu": ("bool",),
    "links": ("bool",),
    "automaticLayout": ("bool",),
    "placeholder": ("str",),
}

FEATURES = ("bracket-colors", "code-lens", "diff", "inlay-hints", "lint-markers", "sticky-scroll")


def _allowed(values):
    return ", ".join(str(v) for v in values)


def _check(name, value):
    """The value of one requirement, checked; ValueError naming what is allowed otherwise."""
    kind = REQUIREMENTS[name]
    if kind[0] == "bool":
        if not isinstance(value, bool):
            raise ValueError("requirements.%s: true or false, got %r" % (name, value))
    elif kind[0] == "str":
        if not isinstance(value, str) or not value.strip() or len(value) > 500:
            raise ValueError("requirements.%s: a non-empty text of at most 500 characters" % name)
    elif kind[0] == "int":
        low, high = kind[1], kind[2]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError("requirements.%s: a whole number from %d to %d, got %r" % (name, low, high, value))
    elif kind[0] == "enum":
        if value not in kind[1] and not (name == "lineNumbers" and isinstance(value, bool)):
            raise ValueError("requirements.%s: one of %s, got %r" % (name, _allowed(kind[1]), value))
    elif kind[0] == "wrap":
        if not isinstance(value, bool) and value not in ("off", "on", "wordWrapColumn", "bounded"):
            raise ValueError("requirements.wordWrap: true, false, or one of off, on, wordWrapColumn, bounded, got %r" % (value,))
    elif kind[0] == "rulers":
        if not isinstance(value, list) or len(value) > 10 or any(
                isinstance(c, bool) or not isinstance(c, int) or not 1 <= c <= 500 for c in value):
            raise ValueError("requirements.rulers: a list of at most 10 columns, each a whole number from 1 to 500")
    return value


def _theme(theme):
    """(theme name for the editor, custom theme definition or None)."""
    if theme is None:
        return "vs", None
    if isinstance(theme, str):
        if theme not in BUILTIN_THEMES:
            raise ValueError("theme: one of %s, or a custom theme {name, base, rules, colors}; got %r"
                             % (_allowed(BUILTIN_THEMES), theme))
        return theme, None
    if not isinstance(theme, dict):
        raise ValueError("theme: a built-in theme name or a custom theme {name, base, rules, colors}")
    name = theme.get("name")
    if not isinstance(name, str) or not name or any(c.isspace() for c in name) or name in BUILTIN_THEMES:
        raise ValueError("theme.name: a name without spaces that is not a built-in theme's")
    base = theme.get("base", "vs")
    if base not in BUILTIN_THEMES:
        raise ValueError("theme.base: one of %s, got %r" % (_allowed(BUILTIN_THEMES), base))
    rules = []
    for index, rule in enumerate(theme.get("rules") or []):
        if not isinstance(rule, dict) or not isinstance(rule.get("token"), str):
            raise ValueError("theme.rules[%d]: {token, foreground?, background?, fontStyle?}" % index)
        clean = {"token": rule["token"]}
        for key in ("foreground", "background"):
            if key in rule:
                clean[key] = _hex_color("theme.rules[%d].%s" % (index, key), rule[key], with_hash=False)
        if "fontStyle" in rule:
            styles = rule["fontStyle"].split() if isinstance(rule["fontStyle"], str) else None
            if styles is None or any(s not in ("italic", "bold", "underline", "strikethrough") for s in styles):
                raise ValueError("theme.rules[%d].fontStyle: words among italic, bold, underline, strikethrough" % index)
            clean["fontStyle"] = " ".join(styles)
        rules.append(clean)
    colors = {}
    for key, value in sorted((theme.get("colors") or {}).items()):
        colors[key] = _hex_color("theme.colors.%s" % key, value, with_hash=True)
    inherit = theme.get("inherit", True)
    if not isinstance(inherit, bool):
        raise ValueError("theme.inherit: true or false")
    return name, {"name": name, "data": {"base": base, "inherit": inherit, "rules": rules, "colors": colors}}


def _hex_color(where, value, with_hash):
    """Monaco colors: '#rrggbb' or '#rrggbbaa' in theme colors, 'rrggbb' in token rules.

    Token rules take no alpha: Monaco renders token colours opaque (#6a995580 comes out as
    rgb(106, 153, 85)), so an alpha there would promise what the editor never shows.
    """
    text = value[1:] if isinstance(value, str) and value.startswith("#") else value
    if not isinstance(text, str) or len(text) not in (3, 6, 8) or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise ValueError("%s: a hex color like #1e1e1e, got %r" % (where, value))
    if not with_hash and len(text) == 8:
        raise ValueError("%s: a hex color without alpha like 6a9955 (Monaco renders token colours opaque), got %r"
                         % (where, value))
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    text = text.lower()
    return "#" + text if with_hash else text


def generate(input, ctx=None):
    """Skill entry: {language, theme?, requirements?, features?} -> editorOptions, modelOptions, theme."""
    if not isinstance(input, dict):
        raise ValueError("the input is an object with at least a language")
    language = input.get("language")
    if not isinstance(language, str) or language not in LANGUAGES:
        raise ValueError("language: %r is not a Monaco language; use one of %s" % (language, _allowed(sorted(LANGUAGES))))
    requirements = input.get("requirements") or {}
    if not isinstance(requirements, dict):
        raise ValueError("requirements: an object")
    unknown = sorted(set(requirements) - set(REQUIREMENTS))
    if unknown:
        raise ValueError("requirements: unknown %s; allowed: %s" % (_allowed(unknown), _allowed(sorted(REQUIREMENTS))))
    wanted = {name: _check(name, value) for name, value in requirements.items()}
    features = input.get("features") or []
    if not isinstance(features, list) or any(f not in FEATURES for f in features):
        raise ValueError("features: a list among %s, got %r" % (_allowed(FEATURES), features))
    features = sorted(set(features))
    theme_name, theme_definition = _theme(input.get("theme"))

    defaults = LANGUAGE_DEFAULTS.get(language, GENERIC_DEFAULTS)
    tab_size = wanted.get("tabSize", defaults["tabSize"])
    insert_spaces = wanted.get("insertSpaces", defaults["insertSpaces"])
    if language == "yaml" and not insert_spaces:
        raise ValueError("requirements.insertSpaces: YAML cannot be indented with tabs; leave it out or set true")
    trim = wanted.get("trimWhitespace", True)
    read_only = wanted.get("readOnly", False)
    accessible = wanted.get("accessibility", False)

    options = {
        "language": language,
        "theme": theme_name,
        "automaticLayout": wanted.get("automaticLayout", True),
        "readOnly": read_only,
        "domReadOnly": read_only,
        "tabSize": tab_size,
        "insertSpaces": insert_spaces,
        "detectIndentation": wanted.get("detectIndentation", False),
        "trimAutoWhitespace": trim,
        "fontSize": wanted.get("fontSize", 14),
        "lineNumbers": _line_numbers(wanted.get("lineNumbers", "on")),
        "rulers": sorted(set(wanted.get("rulers", defaults["rulers"]))),
        "minimap": {"enabled": wanted.get("minimap", True)},
        "wordWrap": _word_wrap(wanted),
        "formatOnPaste": wanted.get("formatOnPaste", False) and not read_only,
        "formatOnType": wanted.get("formatOnType", False) and not read_only,
        "folding": wanted.get("folding", True),
        "foldingStrategy": "indentation" if language in INDENTATION_FOLDING else "auto",
        "scrollBeyondLastLine": wanted.get("scrollBeyondLastLine", False),
        "renderWhitespace": wanted.get("renderWhitespace", "boundary" if not insert_spaces else "selection"),
        "accessibilitySupport": "on" if accessible else "auto",
        "ariaLabel": wanted.get("ariaLabel", "%s code editor%s" % (language, ", read only" if read_only else "")),
    }
    if "wordWrapColumn" in wanted:
        options["wordWrapColumn"] = wanted["wordWrapColumn"]
    if read_only and "readOnlyMessage" in wanted:
        options["readOnlyMessage"] = {"value": wanted["readOnlyMessage"]}
    for name in ("fontFamily", "fontLigatures", "lineHeight", "cursorStyle", "smoothScrolling",
                 "mouseWheelZoom", "contextmenu", "links", "placeholder"):
        if name in wanted:
            options[name] = wanted[name]
    options["cursorBlinking"] = wanted.get("cursorBlinking", "solid" if accessible else "blink")
    if accessible:
        # Steady, visible cues for screen-reader and low-vision users.
        options["renderLineHighlight"] = "all"
        options["matchBrackets"] = "always"
        options["screenReaderAnnounceInlineSuggestion"] = True
        options["cursorWidth"] = 3
        options["minimap"] = {"enabled": wanted.get("minimap", False)}

    _apply_features(options, features, language)
    # With detectIndentation the file's own indentation wins: pinning tabSize on the model would undo
    # what the editor detected (tabSize and insertSpaces in editorOptions stay the fallback).
    model_options = {"trimAutoWhitespace": trim} if options["detectIndentation"] else {
        "tabSize": tab_size, "indentSize": "tabSize", "insertSpaces": insert_spaces, "trimAutoWhitespace": trim}
    output = {
        "language": language,
        "theme": theme_name,
        "editorOptions": options,
        "modelOptions": model_options,
        "features": features,
    }
    if theme_definition is not None:
        output["themeDefinition"] = theme_definition
    if "diff" in features:
        output["diffEditorOptions"] = _diff_options(options)
    return output


def _line_numbers(value):
    if value is True:
        return "on"
    if value is False:
        return "off"
    return value


def _word_wrap(wanted):
    value = wanted.get("wordWrap")
    if value is True:
        value = "on"
    elif value is False:
        value = "off"
    if value is None:
        return "wordWrapColumn" if "wordWrapColumn" in wanted else "off"
    if value in ("wordWrapColumn", "bounded") and "wordWrapColumn" not in wanted:
        raise ValueError("requirements.wordWrapColumn: needed when wordWrap is %s" % value)
    return value


def _apply_features(options, features, language):
    if "bracket-colors" in features:
        options["bracketPairColorization"] = {"enabled": True, "independentColorPoolPerBracketType": False}
        options["guides"] = {"bracketPairs": "active", "indentation": True}
    if "code-lens" in features:
        options["codeLens"] = True
    if "inlay-hints" in features:
        options["inlayHints"] = {"enabled": "onUnlessPressed"}
    if "lint-markers" in features:
        # Show diagnostics everywhere, read-only views included, with room for their icons.
        options["renderValidationDecorations"] = "on"
        options["glyphMargin"] = True
        options["overviewRulerLanes"] = 3
        options["hover"] = {"enabled": True, "delay": 300, "sticky": True}
    if "sticky-scroll" in features:
        options["stickyScroll"] = {"enabled": True, "maxLineCount": 5}


def _diff_options(options):
    """Options for monaco.editor.createDiffEditor: the same look, the original side not editable.

    No minimap: the diff editor turns it off on both sides whatever it is given
    (diffEditorEditors.js, _adjustOptionsForSubEditor), and shows its own overview ruler instead.
    """
    diff = {name: options[name] for name in ("automaticLayout", "readOnly", "fontSize", "lineNumbers",
                                              "wordWrap", "renderWhitespace", "accessibilitySupport", "theme")}
    diff.update({"renderSideBySide": True, "useInlineViewWhenSpaceIsLimited": True, "originalEditable": False,
                 "ignoreTrimWhitespace": False, "renderIndicators": True, "enableSplitViewResizing": True,
                 "diffWordWrap": "inherit"})
    return diff
