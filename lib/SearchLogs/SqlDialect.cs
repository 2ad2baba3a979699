using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Workbook.SearchLogs;

/// <summary>The few places SQLite and PostgreSQL SQL differ; everything else the pipeline runs is shared SQL.</summary>
internal sealed class SqlDialect
{
    public DatabaseBackend Backend { get; }
    private SqlDialect(DatabaseBackend backend) => Backend = backend;

    public static SqlDialect Of(DbConnection connection) =>
        new(connection is SqliteConnection ? DatabaseBackend.Sqlite : DatabaseBackend.Postgres);

    public bool IsSqlite => Backend == DatabaseBackend.Sqlite;

    public string TypeName(ColumnType type) => (type, Backend) switch
    {
        (ColumnType.Text, _) => "TEXT",
        (ColumnType.BigInt, _) => "BIGINT",
        (ColumnType.Int, _) => "INTEGER",
        (ColumnType.Real, DatabaseBackend.Sqlite) => "REAL",
        (ColumnType.Real, _) => "DOUBLE PRECISION",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>CREATE TABLE for <paramref name="schema"/> under another name. In SQLite a
    /// <paramref name="rowIdColumn"/> becomes the INTEGER PRIMARY KEY (the rowid: free to keep, fast to delete by).</summary>
    public string CreateTable(TableSchema schema, string name, string? rowIdColumn = null)
    {
        var cols = schema.Columns.Select(c =>
            c.Name == rowIdColumn && IsSqlite
                ? $"{c.Name} INTEGER PRIMARY KEY"
                : $"{c.Name} {TypeName(c.Type)}{(c.Nullable ? "" : " NOT NULL")}");
        return $"CREATE TABLE {name} ({string.Join(", ", cols)})";
    }

    public static string DropTable(string name) => $"DROP TABLE IF EXISTS {name}";
}
