"""«Пакетное обновление»: students and their parents out to an Excel file and back (seed 002,
«Инструкция по корректировке, дополнению данных об обучающихся и родителях»).

`fields` names the columns, `scope` picks the students, `writers` and `readers` speak .xls and
.xlsx, `checks` turns a file into a plan of changes or a list of problems, `services` runs the
export, the check and the application.
"""
