/// Runs `body` with `resource`, then releases it on every way out, error or not: the
/// scoped-resource pattern (`withHTTPClient {}`) for resources whose release must await,
/// which `defer` cannot.
public func withReleasing<Resource, Result>(
    _ resource: Resource, release: (Resource) async -> Void, _ body: (Resource) async throws -> Result
) async throws -> Result {
    let result: Result
    do {
        result = try await body(resource)
    } catch {
        await release(resource)
        throw error
    }
    await release(resource)
    return result
}
