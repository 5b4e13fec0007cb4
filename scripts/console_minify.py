"""Whitespace and comments out of hand-written JavaScript, every token and line break that
matters kept: tokens are rejoined with a space only where two would merge, and with a line
break wherever the source had one between them (so automatic semicolons fall where they did).
The result is retokenized and must give the same tokens, or the file ships as written."""
import re

WORD = re.compile(r"[A-Za-z0-9_$\u0080-\uffff]")
REGEX_AFTER = {"return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw",
               "case", "do", "else", "yield", "await"}


def tokens(src):
    """(kind, text, newline_before) for every token but whitespace and comments."""
    out, i, n, newline = [], 0, len(src), False
    while i < n:
        c = src[i]
        if c in " \t\r\n":
            newline |= c == "\n"
            i += 1
        elif src.startswith("//", i):
            i = src.find("\n", i) if "\n" in src[i:] else n
        elif src.startswith("/*", i):
            j = src.index("*/", i + 2) + 2
            newline |= "\n" in src[i:j]
            i = j
        else:
            j = token_end(src, i, out)
            out.append((src[i:j], newline))
            newline = False
            i = j
    return out


def token_end(src, i, prev):
    c = src[i]
    if c in "'\"":
        j = i + 1
        while src[j] != c:
            j += 2 if src[j] == "\\" else 1
        return j + 1
    if c == "`":
        return template_end(src, i)
    if c == "/" and regex_allowed(prev):
        j, in_class = i + 1, False
        while True:
            ch = src[j]
            if ch == "\\":
                j += 2
                continue
            if ch == "[":
                in_class = True
            elif ch == "]":
                in_class = False
            elif ch == "/" and not in_class:
                break
            j += 1
        j += 1
        while j < len(src) and WORD.match(src[j]):
            j += 1
        return j
    if WORD.match(c):
        j = i
        while j < len(src) and WORD.match(src[j]):
            j += 1
        return j
    for op in ("...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=", "=>", "==", "!=", "<=", ">=",
               "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "**", "<<", ">>"):
        if src.startswith(op, i):
            return i + len(op)
    return i + 1


def template_end(src, i):
    j = i + 1
    while src[j] != "`":
        if src[j] == "\\":
            j += 2
        elif src.startswith("${", j):
            depth, j = 1, j + 2
            while depth:
                ch = src[j]
                if ch in "'\"`":
                    j = token_end(src, j, [])
                    continue
                depth += ch == "{"
                depth -= ch == "}"
                j += 1
        else:
            j += 1
    return j + 1


def regex_allowed(prev):
    if not prev:
        return True
    t = prev[-1][0]
    if t in REGEX_AFTER:
        return True
    return not (WORD.match(t[-1]) or t[-1] in ")]}'\"`")


def minify(src):
    toks = tokens(src)
    out = []
    for k, (t, newline) in enumerate(toks):
        if k:
            p = toks[k - 1][0]
            if newline:
                out.append("\n")
            elif (WORD.match(p[-1]) and WORD.match(t[0])) or (p[-1] in "+-/" and t[0] == p[-1]):
                out.append(" ")
        out.append(t)
    text = "".join(out)
    return text if [t for t, _ in tokens(text)] == [t for t, _ in toks] else src


def minify_css(src):
    """Comments out, whitespace collapsed and dropped around punctuation (strings in our styles
    hold font names and empty `content`, which this leaves as they read)."""
    text = re.sub(r"/\*.*?\*/", "", src, flags=re.S)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r" ?([{};,>]) ?", r"\1", text)
    text = re.sub(r"([{;]\s*[-a-z]+): ", r"\1:", text)
    return text.replace(";}", "}").strip()
