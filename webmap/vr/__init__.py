"""The VR360 viewer's web side: settings, scene documents, map camera markers."""
