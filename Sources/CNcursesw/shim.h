#ifndef WARD_CNCURSESW_SHIM_H
#define WARD_CNCURSESW_SHIM_H
// SwiftPM drops pkg-config's -D_XOPEN_SOURCE: without this, get_wch, cchar_t and setcchar are missing.
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <ncursesw/curses.h>

// Swift 6 cannot use C mutable globals or function-like macros: wrap them.
static inline WINDOW *ward_stdscr(void) { return stdscr; }
static inline int ward_lines(void) { return LINES; }
static inline int ward_cols(void) { return COLS; }
static inline attr_t ward_a_bold(void) { return A_BOLD; }
static inline attr_t ward_a_reverse(void) { return A_REVERSE; }
static inline attr_t ward_a_underline(void) { return A_UNDERLINE; }
static inline attr_t ward_a_dim(void) { return A_DIM; }
static inline attr_t ward_a_normal(void) { return A_NORMAL; }
static inline int ward_key_resize(void) { return KEY_RESIZE; }
static inline int ward_key_mouse(void) { return KEY_MOUSE; }
static inline int ward_key_f(int n) { return KEY_F(n); }
static inline int ward_colors(void) { return COLORS; }
// Bracketed paste (xterm mode 2004): the terminal wraps pasted text in these, defined as keys of their own.
static inline int ward_key_paste_start(void) { return KEY_MAX + 1; }
static inline int ward_key_paste_end(void) { return KEY_MAX + 2; }
static inline attr_t ward_color_pair(int n) { return COLOR_PAIR(n); }
static inline mmask_t ward_all_mouse_events(void) { return ALL_MOUSE_EVENTS; }
static inline mmask_t ward_button1_pressed(void) { return BUTTON1_PRESSED | BUTTON1_CLICKED; }
static inline mmask_t ward_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t ward_wheel_up(void) { return BUTTON4_PRESSED; }
#if NCURSES_MOUSE_VERSION > 1
static inline mmask_t ward_wheel_down(void) { return BUTTON5_PRESSED; }
#else
static inline mmask_t ward_wheel_down(void) { return 0; }
#endif

#endif
