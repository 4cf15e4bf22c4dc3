def answer(request):
    """The smallest answer: what a call costs around the function."""
    return {"ok": True}
