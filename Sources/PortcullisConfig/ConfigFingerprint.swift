import Crypto
import Foundation

/// A cheap digest of everything a load reads, used by the watcher to notice changes. Files are read
/// through their paths, so symlinks are followed: an editor's rename-on-save and a Kubernetes
/// ConfigMap `..data` swap both change the fingerprint.
public enum ConfigFingerprint {
    public static func compute(_ loader: ConfigLoader, extraFiles: [String] = []) -> String {
        var hasher = SHA256()
        var files = [loader.serverFilePath, loader.secretsPath]
        if let tenants = loader.tenantFiles() { files += tenants } else { hasher.update(data: Data("no-tenants-dir".utf8)) }
        files += extraFiles
        for file in files {
            hasher.update(data: Data(file.utf8))
            if let data = FileManager.default.contents(atPath: file) {
                hasher.update(data: data)
            } else {
                hasher.update(data: Data("\u{0}missing".utf8))
            }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
