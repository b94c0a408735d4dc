"""The pages of ``bench_form_shapes.py``: one Streamlit app, the shape chosen by ``?shape=``.

Every shape but ``public`` is a login form as a Streamlit app could draw it,
from authgate's own (``full``: text inputs with help, a checkbox with help, a
submit button, two page links in columns) down to the least any password form
needs (``minimal``: two text inputs and a button). ``public`` is a heading and
a line of text, the content ``bench_browser_login.py`` compares the form with.
"""

import streamlit as st

SHAPES = ("public", "full", "nohelp", "nolinks", "mdlinks", "minimal", "component")
shape = st.query_params.get("shape", "full")
if shape not in SHAPES:
    st.error(f"Unknown shape {shape!r}; one of {', '.join(SHAPES)}.")
    st.stop()
if shape == "public":
    st.title("Authenticated content")
    st.write("The page's content, drawn for everyone.")
    st.stop()
if shape == "component":
    form = st.components.v2.component(
        "bench_login_form",
        html=(
            '<form><label>Username or email <input name="u" autocomplete="username"></label>'
            '<label>Password <input name="p" type="password" autocomplete="current-password">'
            '</label><label><input type="checkbox" name="r"> Remember me</label>'
            '<button type="submit">Log in</button></form>'
        ),
        isolate_styles=False,
        css="label { display: block; margin: .5rem 0; } input { font: inherit; }",
        js=(
            "export default function (c) { const f = c.parentElement.querySelector('form');"
            " f.onsubmit = (e) => { e.preventDefault();"
            " c.setTriggerValue('submitted', { u: f.u.value }); }; }"
        ),
    )
    form(key="login")
    st.stop()
with_help = shape in ("full", "nolinks")
with st.form("login", clear_on_submit=False, enter_to_submit=True):
    st.text_input(
        "Username or email",
        key="username",
        help="Your username or email address." if with_help else None,
        autocomplete="username",
    )
    st.text_input("Password", key="password", type="password", autocomplete="current-password")
    if shape != "minimal":
        st.checkbox(
            "Remember me",
            key="remember",
            help="Stay logged in on this browser for longer." if with_help else None,
        )
    st.form_submit_button("Log in", type="primary")
if shape in ("full", "nohelp"):
    links = st.columns(2)
    links[0].page_link("https://example.org/register", label="Register")
    links[1].page_link("https://example.org/forgot", label="Forgot password?")
elif shape in ("nolinks", "mdlinks"):
    st.markdown(
        "[Register](https://example.org/register) · [Forgot password?](https://example.org/forgot)"
    )
