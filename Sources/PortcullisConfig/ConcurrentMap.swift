/// Maps items on up to `limit` concurrent tasks and returns the results in the items' order, so the
/// outcome does not depend on scheduling.
func concurrentMap<Item: Sendable, Result: Sendable>(
    _ items: [Item], limit: Int, _ transform: @escaping @Sendable (Item) async -> Result
) async -> [Result] {
    await withTaskGroup(of: (Int, Result).self) { group in
        var results = [Result?](repeating: nil, count: items.count)
        var next = 0
        func addNext() {
            guard next < items.count else { return }
            let index = next
            let item = items[index]
            next += 1
            group.addTask { (index, await transform(item)) }
        }
        for _ in 0..<max(1, limit) { addNext() }
        while let (index, result) = await group.next() {
            results[index] = result
            addNext()
        }
        return results.compactMap { $0 }
    }
}
