//! A real editor (Neovim, headless) drives `wslint server`.
