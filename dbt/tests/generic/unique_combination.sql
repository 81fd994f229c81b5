{#- Rows of `model` are unique over `columns` taken together (the grain of a table whose key has
    several columns). dbt_utils has the same test; this package needs no `dbt deps`. -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as duplicates
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
