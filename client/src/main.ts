// The web client's entry: the shell; each page's module loads when it is first shown.
import './app.js'
