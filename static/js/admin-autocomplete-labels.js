'use strict';
// Names each autocomplete box of the staff admin after its field's label. Select2, Django's
// autocomplete widget, names its combobox only by the current choice, so an empty one (a new
// owner, the recommendation of a new status update) has no accessible name at all. Select2
// builds its boxes after the page loads and when an inline row is added, so this watches for
// them.
{
    const nameBox = (rendered) => {
        const select = rendered.closest('.select2-container')?.previousElementSibling;
        if (!select || select.tagName !== 'SELECT' || !select.id) {
            return;
        }
        const label = document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
        const text = label ? label.textContent.replace(/:\s*$/, '').trim() : '';
        if (text) {
            rendered.setAttribute('aria-label', text);
        }
    };
    new MutationObserver((records) => {
        for (const record of records) {
            for (const node of record.addedNodes) {
                if (node.nodeType !== Node.ELEMENT_NODE) {
                    continue;
                }
                if (node.matches('.select2-selection__rendered')) {
                    nameBox(node);
                }
                node.querySelectorAll('.select2-selection__rendered').forEach(nameBox);
            }
        }
    }).observe(document.documentElement, {childList: true, subtree: true});
}
