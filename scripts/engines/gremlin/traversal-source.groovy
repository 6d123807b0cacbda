// Binds `g`, the traversal source that bytecode requests name as their alias (as on Neptune).
def globals = [:]
globals << [g : traversal().withEmbedded(graph)]
