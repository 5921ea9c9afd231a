"""主动发现 and 信息共享 (notice 二㈡, 四㈡, 四㈢): department registries imported and matched to
households (registries), every household assessed and automatic cases opened (cases), linked
programmes after an approval (linked), a household's programmes side by side (programmes).
"""
