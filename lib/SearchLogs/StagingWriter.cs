using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Workbook.SearchLogs;

/// <summary>
/// Appends rows to one table as fast as each backend allows: SQLite through a prepared multi-row INSERT reused for
/// every batch, PostgreSQL through binary COPY. Values are given in column order, then <see cref="EndRow"/>.
/// Runs inside the caller's transaction, so a failed load leaves nothing behind.
/// </summary>
public abstract class StagingWriter : IDisposable
{
    public long Rows { get; protected set; }

    public static StagingWriter Create(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<string> columns) =>
        connection switch
        {
            SqliteConnection s => new SqliteWriter(s, (SqliteTransaction)transaction, table, columns),
            NpgsqlConnection n => new PostgresWriter(n, table, columns),
            _ => throw new NotSupportedException(connection.GetType().Name),
        };

    public abstract void Text(string? value);
    public abstract void Long(long value);
    public abstract void Int(int value);
    public abstract void Real(double? value);
    public abstract void Null();
    public abstract void EndRow();
    /// <summary>Writes what is buffered; without it the rows are discarded.</summary>
    public abstract void Complete();
    public virtual void Dispose() { }

    private sealed class SqliteWriter : StagingWriter
    {
        // 64 rows per statement: the per-call overhead of Microsoft.Data.Sqlite dominates single-row inserts.
        private const int RowsPerStatement = 64;
        private readonly SqliteConnection _connection;
        private readonly SqliteTransaction _transaction;
        private readonly string _table;
        private readonly IReadOnlyList<string> _columns;
        private readonly SqliteCommand _batch;
        private readonly SqliteParameter[] _parameters;
        private int _row, _col;

        public SqliteWriter(SqliteConnection connection, SqliteTransaction transaction, string table, IReadOnlyList<string> columns)
        {
            (_connection, _transaction, _table, _columns) = (connection, transaction, table, columns);
            (_batch, _parameters) = Prepare(RowsPerStatement);
        }

        private (SqliteCommand, SqliteParameter[]) Prepare(int rows)
        {
            var cmd = _connection.CreateCommand();
            cmd.Transaction = _transaction;
            var values = Enumerable.Range(0, rows).Select(r =>
                "(" + string.Join(",", Enumerable.Range(0, _columns.Count).Select(c => $"$p{r * _columns.Count + c}")) + ")");
            cmd.CommandText = $"INSERT INTO {_table} ({string.Join(",", _columns)}) VALUES {string.Join(",", values)}";
            var ps = new SqliteParameter[rows * _columns.Count];
            for (var i = 0; i < ps.Length; i++) ps[i] = cmd.Parameters.Add(new SqliteParameter($"$p{i}", DBNull.Value));
            cmd.Prepare();
            return (cmd, ps);
        }

        private void Set(object? value) => _parameters[_row * _columns.Count + _col++].Value = value ?? DBNull.Value;
        public override void Text(string? value) => Set(value);
        public override void Long(long value) => Set(value);
        public override void Int(int value) => Set(value);
        public override void Real(double? value) => Set(value);
        public override void Null() => Set(null);

        public override void EndRow()
        {
            _col = 0;
            Rows++;
            if (++_row < RowsPerStatement) return;
            _batch.ExecuteNonQuery();
            _row = 0;
        }

        public override void Complete()
        {
            if (_row == 0) return;
            var (tail, ps) = Prepare(_row);
            using (tail)
            {
                for (var i = 0; i < ps.Length; i++) ps[i].Value = _parameters[i].Value;
                tail.ExecuteNonQuery();
            }
            _row = 0;
        }

        public override void Dispose() => _batch.Dispose();
    }

    private sealed class PostgresWriter(NpgsqlConnection connection, string table, IReadOnlyList<string> columns) : StagingWriter
    {
        private readonly NpgsqlBinaryImporter _copy =
            connection.BeginBinaryImport($"COPY {table} ({string.Join(",", columns)}) FROM STDIN (FORMAT BINARY)");
        private bool _inRow;

        private void Start()
        {
            if (_inRow) return;
            _copy.StartRow();
            _inRow = true;
        }

        public override void Text(string? value)
        {
            Start();
            if (value == null) _copy.WriteNull(); else _copy.Write(value, NpgsqlDbType.Text);
        }

        public override void Long(long value) { Start(); _copy.Write(value, NpgsqlDbType.Bigint); }
        public override void Int(int value) { Start(); _copy.Write(value, NpgsqlDbType.Integer); }

        public override void Real(double? value)
        {
            Start();
            if (value == null) _copy.WriteNull(); else _copy.Write(value.Value, NpgsqlDbType.Double);
        }

        public override void Null() { Start(); _copy.WriteNull(); }
        public override void EndRow() { _inRow = false; Rows++; }
        public override void Complete() => _copy.Complete();
        public override void Dispose() => _copy.Dispose();
    }
}
