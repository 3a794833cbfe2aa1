/* Give the scope page's autocomplete search box an accessible name: select2 renders it with
   no label, and renders it again whenever the selection changes. */
"use strict";
(function () {
    const NAME = "Search recommendations to add";

    function label() {
        document.querySelectorAll(".select2-search__field:not([aria-label])").forEach(
            function (field) { field.setAttribute("aria-label", NAME); }
        );
    }

    document.addEventListener("DOMContentLoaded", function () {
        label();
        new MutationObserver(label).observe(document.body, { childList: true, subtree: true });
    });
})();
