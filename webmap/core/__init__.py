"""What every web surface shares: the bottom of webmap's imports.

Languages and labels (``i18n``, ``labels``, ``languages``), per-app caches
(``cache``, ``tilecache``, ``compression``/``encoding``), the page shell and page
helpers (``shell``, ``page``, ``assets``, ``state``, ``styles``, ``tooltip``,
``embedding``, ``lookups``), links, the store handle, request limits, rate limits,
security headers, the parameter error (``params``) and the one error table
(``errors``) that features add their exceptions to. Nothing here imports a feature
package or a view (``make lint`` checks it).
"""
