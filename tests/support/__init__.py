"""What tests share, one module per thing it builds (conftests hold only fixtures).

- ``accounts``: a user in an app's accounts, a signed-in client, its CSRF token.
- ``apps``: an app's files under ``tmp_path`` (``isolated``), closing its store.
- ``browser``: the page guard, local base-map tiles, the sample map app, waiting for the map.
- ``clearance``: the tiny data set with clearance stages; planner sessions and apps.
- ``data_dirs``: the tiny data directory (three layers near Hai Phong), shapefile and CSV writers.
- ``extra_layers``: the tiny data set with an HTML park name and two layers a GIS officer added.
- ``fuzz``: the fuzz runs' example budget, a signed-in client's credentials, buffered responses.
- ``investor``: investor-page apps, the enquiry form's token, distances worked out independently.
- ``pages``: reading pages back: JSON blocks, script code, a map page's settings and asset URLs.
- ``pillow``: a tripwire on Pillow's EPS plugin and Ghostscript.
- ``rasters``: tiny GeoTIFFs made in code, and the pixel of a tile at a lon/lat.
- ``scenes``: 360° photos made in memory, scenes generated quickly, uploads.
- ``servers``: an app served over real HTTP on 127.0.0.1 in a thread.
- ``stores``: both store backends behind one set of tests; building for the test's backend;
  fresh PostGIS databases.
"""
