// Marks the page as having JavaScript, before it is drawn (the collapsed menu needs it).
document.documentElement.classList.replace("no-js", "js");
