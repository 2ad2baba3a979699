using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Workbook.SearchLogs;

/// <summary>
/// One pipeline run per database at a time. Two runs share the staging table names, so a second run used to drop or
/// publish the first one's half-built tables. The lock is one the operating system or the server releases when its
/// holder dies (kill -9 included), so it can never be left behind, and a second run sees it at once instead of
/// waiting on SQLite's busy timeout:
/// SQLite: an exclusive lock on <c>&lt;db&gt;.lock</c> beside the file (flock, taken by opening it with FileShare.None;
/// the file itself stays, empty, since deleting it would race with a run opening it);
/// PostgreSQL: a session advisory lock keyed by the current schema, on a connection held for the whole run.
/// </summary>
internal sealed class PipelineWriterLock : IDisposable
{
    private readonly FileStream? _file;
    private readonly DbConnection? _connection;

    private const string PostgresKey = "hashtext('workbook.search_log_pipeline'), hashtext(current_schema())";

    private PipelineWriterLock(FileStream? file, DbConnection? connection) => (_file, _connection) = (file, connection);

    /// <summary>The held lock, or null when another run holds it.</summary>
    public static PipelineWriterLock? TryAcquire(string database)
    {
        if (SearchLogDatabase.BackendOf(database) == DatabaseBackend.Postgres)
        {
            var c = SearchLogDatabase.Open(database);
            try
            {
                // Advisory locks are per database; the schema in the key keeps tests (one schema each) apart.
                var held = SearchLogDatabase.Scalar(c, $"SELECT pg_try_advisory_lock({PostgresKey})");
                if (held is true) return new PipelineWriterLock(null, c);
                c.Dispose();
                return null;
            }
            catch
            {
                c.Dispose();
                throw;
            }
        }
        var path = LockPathOf(database);
        if (path == null) return new PipelineWriterLock(null, null); // an in-memory database has no second writer
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            return new PipelineWriterLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None), null);
        }
        catch (IOException e) when (e is not (DirectoryNotFoundException or PathTooLongException or FileNotFoundException) && File.Exists(path))
        {
            return null; // held: .NET reports the flock conflict as a sharing violation
        }
    }

    /// <summary><c>&lt;db&gt;.lock</c>, or null for an in-memory SQLite database.</summary>
    public static string? LockPathOf(string database)
    {
        var file = database.Contains("Data Source=", StringComparison.OrdinalIgnoreCase)
            ? new SqliteConnectionStringBuilder(database).DataSource
            : database;
        if (file.Length == 0 || file == ":memory:") return null;
        return Path.GetFullPath(file) + ".lock";
    }

    public void Dispose()
    {
        _file?.Dispose();
        if (_connection == null) return;
        // A pooled connection's session outlives Dispose: unlock explicitly rather than rely on the pool's reset.
        try { SearchLogDatabase.Scalar(_connection, $"SELECT pg_advisory_unlock({PostgresKey})"); }
        catch (DbException) { } // a dropped connection has released the lock already
        _connection.Dispose();
    }
}
