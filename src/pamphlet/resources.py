"""Walk a PDF's resource dictionaries: the pages' and those of the forms they draw."""


def resource_holders(pdf):
    """Every distinct /Resources dictionary of the pages and of the forms they draw."""
    seen, stack = set(), [page.obj.get("/Resources") for page in pdf.pages]
    while stack:
        resources = stack.pop()
        if resources is None:
            continue
        marker = resources.objgen if resources.is_indirect else id(resources)
        if marker in seen:
            continue
        seen.add(marker)
        yield resources
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                stack.append(xobject.Resources)
