import PortcullisCore

/// The JSON Schema (draft 2020-12) of the configuration files, generated from the same reading code
/// that loads them. `tenant` is the schema of `tenants/*.yaml`; the server file and the secrets file
/// have their own entry points under `$defs`.
public enum ConfigSchema {
    public static func document() -> JSONValue {
        let context = ReadContext(file: "", mode: .describe)
        let tenant = TenantConfig.schema(in: context)
        _ = ServerConfig.schema(in: context)
        _ = SecretsFileRoot.schema(in: context)
        return [
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://portcullis.dev/schemas/config.schema.json",
            "title": "Portcullis configuration",
            "description": "Schema of config/tenants/*.yaml (the root). config/portcullis.yaml follows $defs/ServerFile and the secrets file $defs/SecretsFile.",
            "$ref": tenant["$ref"] ?? .null,
            "$defs": .object(context.definitions),
        ]
    }

    public static func text() -> String { document().prettyPrinted() + "\n" }
}
